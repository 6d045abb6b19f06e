package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared setup of the proposer rule tests: configurations, elections, promises. */
abstract class ProposerFixture {
  static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  static final ClusterConfig FIVE = ClusterConfig.of("test", 1, 2, 3, 4, 5);
  static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();

  /** With {@link Probe#NO_JITTER} every election timeout is exactly this long. */
  static final long TIMEOUT = OPTIONS.electionTimeoutMinMs();

  final Outbox out = new Outbox();

  static DefaultProposer proposer(int id, ClusterConfig config) {
    return proposer(id, config, OPTIONS, DurableState.EMPTY);
  }

  static DefaultProposer proposer(
      int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
    return new DefaultProposer(id, config, options, NO_JITTER, state);
  }

  static DurableState maxRound(long round) {
    return new DurableState(Ballot.ZERO, List.of(), round, List.of());
  }

  /** A fresh proposer's first election timer fires: it ticks at 0 and at the timeout. */
  Prepare campaign(DefaultProposer p, long timeout) {
    p.tick(0, out);
    assertThat(sent(out, Prepare.class)).isEmpty();
    p.tick(timeout, out);
    Prepare prepare = only(out, Prepare.class);
    out.clear();
    return prepare;
  }

  Prepare campaign(DefaultProposer p) {
    return campaign(p, TIMEOUT);
  }

  static Promise promise(int from, Prepare prepare, AcceptedEntry... accepted) {
    return new Promise(from, prepare.ballot(), prepare.fromSlot(), List.of(accepted));
  }

  /** Campaign and receive empty promises from {@code acceptors}; leads at {@code TIMEOUT}. */
  Ballot elect(DefaultProposer p, int... acceptors) {
    Prepare prepare = campaign(p);
    for (int a : acceptors) {
      p.onPromise(promise(a, prepare), TIMEOUT, out);
    }
    assertThat(p.isLeader()).isTrue();
    out.clear();
    return prepare.ballot();
  }

  /** Values proposed to {@code acceptor} by slot, over all queued Accepts. */
  Map<Long, Value> proposedTo(int acceptor) {
    Map<Long, Value> bySlot = new TreeMap<>();
    for (Accept a : sentTo(out, acceptor, Accept.class)) {
      for (int i = 0; i < a.values().size(); i++) {
        bySlot.put(a.firstSlot() + i, a.values().get(i));
      }
    }
    return bySlot;
  }
}
