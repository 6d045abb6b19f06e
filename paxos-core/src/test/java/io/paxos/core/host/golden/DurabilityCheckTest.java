package io.paxos.core.host.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each claim {@link DurabilityCheck} checks, held and not held. */
class DurabilityCheckTest {
  private static final Ballot B = new Ballot(2, 1);
  private static final Ballot LOWER = new Ballot(1, 3);

  private static DurableState state(
      Ballot promised, long round, long compacted, AcceptedEntry... e) {
    return new DurableState(promised, List.of(e), round, List.of(), compacted);
  }

  @Test
  void prepareNeedsItsRound() {
    Message prepare = new Message.Prepare(1, B, 1);
    assertThat(DurabilityCheck.violation(1, prepare, state(Ballot.ZERO, 1, 0)))
        .contains("round 2 is not durable");
    assertThat(DurabilityCheck.violation(1, prepare, state(Ballot.ZERO, 2, 0))).isEmpty();
  }

  @Test
  void promiseAndHeartbeatAckNeedThePromise() {
    assertThat(
            DurabilityCheck.violation(
                2, new Message.Promise(2, B, 1, List.of()), state(LOWER, 0, 0)))
        .contains("promise 2.1 is not durable");
    assertThat(DurabilityCheck.violation(2, new Message.HeartbeatAck(2, B, 1), state(LOWER, 0, 0)))
        .contains("promise 2.1 is not durable");
    assertThat(
            DurabilityCheck.violation(2, new Message.Promise(2, B, 1, List.of()), state(B, 0, 0)))
        .isEmpty();
  }

  @Test
  void acceptedNeedsEveryEntryItVotesFor() {
    Message accepted = new Message.Accepted(2, B, 3, 2);
    AcceptedEntry slot3 = new AcceptedEntry(3, B, Value.NOOP);
    AcceptedEntry slot4 = new AcceptedEntry(4, B, Value.NOOP);
    assertThat(DurabilityCheck.violation(2, accepted, state(B, 0, 0, slot3)))
        .contains("the entry of slot 4 at 2.1 is not durable");
    assertThat(DurabilityCheck.violation(2, accepted, state(B, 0, 0, slot3, slot4))).isEmpty();
    assertThat(
            DurabilityCheck.violation(
                2, accepted, state(B, 0, 0, slot3, new AcceptedEntry(4, LOWER, Value.NOOP))))
        .as("an entry of a lower ballot is not the vote")
        .contains("the entry of slot 4 at 2.1 is not durable");
    assertThat(DurabilityCheck.violation(2, accepted, state(B, 0, 3, slot4)))
        .as("a compacted slot is not stored")
        .isEmpty();
  }
}
