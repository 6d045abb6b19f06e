package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A command that reaches a proposer twice (a {@code Forward} the network duplicated) takes one
 * slot: there is no deduplication table yet, so a second slot would apply it twice.
 */
class ProposerDuplicateTest {
  private static final ClusterConfig THREE = ClusterConfig.of("t", 1, 2, 3);
  private static final Command CMD = new Command(2, 9, 1, new byte[] {1});

  private static DefaultProposer candidate(Outbox out) {
    DefaultProposer p =
        new DefaultProposer(
            1, THREE, ProtocolOptions.defaults(), new SplittableRandom(1), DurableState.EMPTY);
    p.tick(0, out);
    p.tick(10_000, out);
    return p;
  }

  private static List<Long> slotsCarrying(Outbox out, Command command) {
    List<Long> slots = new ArrayList<>();
    for (int i = 0; i < out.sendCount(); i++) {
      if (out.sendMessage(i) instanceof Message.Accept a && out.sendTo(i) == 2) {
        for (int k = 0; k < a.values().size(); k++) {
          if (a.values().get(k).commands().contains(command)) {
            slots.add(a.firstSlot() + k);
          }
        }
      }
    }
    return slots;
  }

  @Test
  void aCommandForwardedTwiceIsProposedOnce() {
    Outbox out = new Outbox();
    DefaultProposer p = candidate(out);
    Ballot b = p.ballot();
    p.onPromise(new Message.Promise(1, b, 1, List.of()), 10_000, out);
    p.onPromise(new Message.Promise(2, b, 1, List.of()), 10_000, out);
    assertThat(p.isLeader()).isTrue();
    out.clear();
    p.propose(CMD, 10_001, out);
    p.flush(10_001, out);
    p.propose(CMD, 10_002, out);
    p.flush(10_002, out);
    assertThat(slotsCarrying(out, CMD)).containsExactly(1L);
  }

  @Test
  void aQueuedCopyOfAReproposedCommandTakesNoSecondSlot() {
    Outbox out = new Outbox();
    DefaultProposer p = candidate(out);
    Ballot b = p.ballot();
    p.propose(CMD, 10_000, out); // queued while campaigning, e.g. a duplicate after a restart
    Value earlier = new Value.Batch(List.of(CMD));
    AcceptedEntry accepted = new AcceptedEntry(1, new Ballot(0, 3), earlier);
    p.onPromise(new Message.Promise(2, b, 1, List.of(accepted)), 10_000, out);
    p.onPromise(new Message.Promise(3, b, 1, List.of()), 10_000, out);
    out.clear();
    p.flush(10_001, out);
    assertThat(slotsCarrying(out, CMD)).containsExactly(1L);
  }
}
