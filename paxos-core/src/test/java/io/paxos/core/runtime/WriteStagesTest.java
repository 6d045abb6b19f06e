package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.WriteStep;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The write-stage recorder driven by hand through a leader's and a follower's path: which steps it
 * reports for the sampled slots and commands, once each, and nothing when off or unsampled.
 */
class WriteStagesTest {
  private static final Ballot BALLOT = new Ballot(1, 1);
  private static final int[] ACCEPTORS = {1, 2, 3};

  /** Counts the steps reported, and keeps every duration. */
  static final class Steps implements NodeObserver {
    final Map<WriteStep, List<Long>> reported = new ConcurrentHashMap<>();

    @Override
    public void writeStep(WriteStep step, long nanos) {
      reported.computeIfAbsent(step, s -> new ArrayList<>()).add(nanos);
    }

    int count(WriteStep step) {
      return reported.getOrDefault(step, List.of()).size();
    }

    Map<WriteStep, Integer> counts() {
      Map<WriteStep, Integer> m = new EnumMap<>(WriteStep.class);
      reported.forEach((k, v) -> m.put(k, v.size()));
      return m;
    }
  }

  private static Value batch(long... sequences) {
    List<Command> commands = new ArrayList<>();
    for (long s : sequences) {
      commands.add(new Command(1, 7, s, new byte[] {1}));
    }
    return new Value.Batch(commands);
  }

  /** Slots 1-4 through the leader's whole path; slots 2 and 4 are sampled (every 2). */
  private static void leaderPath(WriteStages stages) {
    stages.submitted(7, 2);
    stages.submitted(7, 3); // not sampled
    Outbox out = new Outbox();
    Message.Accept accept =
        new Message.Accept(1, BALLOT, 1, List.of(batch(1), batch(2, 3), batch(4), batch(5)), 0);
    out.send(ACCEPTORS, accept); // one message to three acceptors: one batch
    stages.turn(out, true);
    stages.sent(accept);
    stages.sent(accept); // to the second follower: the first send counts
    stages.loopedBack(accept);
    for (long slot = 1; slot <= 4; slot++) {
      stages.persisting(slot);
    }
    stages.synced();
    stages.loopedBack(new Message.Accepted(1, BALLOT, 1, 4));
    stages.receivedSampled(new Message.Accepted(2, BALLOT, 1, 4), true);
    stages.receivedSampled(new Message.Accepted(3, BALLOT, 1, 4), true); // the second vote
    Outbox chosen = new Outbox();
    for (long slot = 1; slot <= 4; slot++) {
      chosen.deliver(slot, batch(slot));
    }
    stages.turn(chosen, true);
    stages.applied(1, true);
    stages.applied(2, true);
    stages.applied(3, true);
    stages.applied(4, false); // no command of this node in it: no reply from here
    stages.replied();
  }

  @Test
  void aLeaderReportsEachStepOfEachSampledSlotOnce() {
    Steps steps = new Steps();
    WriteStages stages = WriteStages.every(2, steps);
    leaderPath(stages);

    assertThat(steps.count(WriteStep.LEADER_QUEUE)).as("command 2 only").isEqualTo(1);
    for (WriteStep s :
        List.of(
            WriteStep.ACCEPT_SEND,
            WriteStep.LEADER_ACCEPT,
            WriteStep.LEADER_PERSIST_QUEUE,
            WriteStep.LEADER_FORCE,
            WriteStep.LEADER_VOTE,
            WriteStep.FOLLOWER_ROUND_TRIP,
            WriteStep.QUORUM,
            WriteStep.APPLY)) {
      assertThat(steps.count(s)).as(s + ": slots 2 and 4").isEqualTo(2);
    }
    assertThat(steps.count(WriteStep.REPLY)).as("slot 2 only").isEqualTo(1);
    assertThat(steps.count(WriteStep.LEADER_TOTAL)).isEqualTo(1);
    assertThat(steps.count(WriteStep.FOLLOWER_PERSIST_QUEUE)).isZero();
    assertThat(steps.count(WriteStep.FOLLOWER_FORCE)).isZero();
    assertThat(steps.count(WriteStep.FOLLOWER_ACK)).isZero();
    steps.reported.values().forEach(v -> assertThat(v).allMatch(n -> n >= 0));
  }

  @Test
  void aFollowerReportsItsOwnStepsAndARetransmissionAddsNothing() {
    Steps steps = new Steps();
    WriteStages stages = WriteStages.every(1, steps);
    Message.Accept accept = new Message.Accept(1, BALLOT, 10, List.of(batch(1), batch(2)), 0);
    stages.receivedSampled(accept, false);
    stages.persisting(10);
    stages.persisting(11);
    stages.synced();
    stages.sent(new Message.Accepted(2, BALLOT, 10, 2));
    // The leader sends it again; the follower writes and answers again.
    stages.receivedSampled(accept, false);
    stages.persisting(10);
    stages.persisting(11);
    stages.synced();
    stages.sent(new Message.Accepted(2, BALLOT, 10, 2));
    stages.applied(10, false);
    stages.replied();

    assertThat(steps.counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                WriteStep.FOLLOWER_PERSIST_QUEUE, 2,
                WriteStep.FOLLOWER_FORCE, 2,
                WriteStep.FOLLOWER_ACK, 2));
  }

  @Test
  void offReportsNothingAndZeroIsOff() {
    Steps steps = new Steps();
    WriteStages off = WriteStages.every(0, steps);
    assertThat(off).isSameAs(WriteStages.off());
    assertThat(off.on()).isFalse();
    assertThat(off.sampled(0)).isFalse();
    off.received(new Message.Accept(1, BALLOT, 1, List.of(batch(1)), 0), null);
    leaderPath(off);
    assertThat(steps.reported).isEmpty();
  }

  @Test
  void unsampledSlotsReportNothing() {
    Steps steps = new Steps();
    leaderPath(WriteStages.every(1000, steps)); // slots 1-4 and commands 2, 3: none sampled
    assertThat(steps.reported).isEmpty();
  }

  @Test
  void negativeSamplingIsRefused() {
    assertThatThrownBy(() -> WriteStages.every(-1, new Steps()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 (off)");
    assertThatThrownBy(() -> PaxosNode.builder().writeStageSampling(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 (off)");
  }

  @Test
  void theExtremesOfSlotAndSamplingNeitherOverflowNorLoop() {
    Steps steps = new Steps();
    WriteStages stages = WriteStages.every(Integer.MAX_VALUE, steps);
    assertThat(stages.sampled(Integer.MAX_VALUE)).isTrue();
    assertThat(stages.sampled(1)).isFalse();
    long last = Long.MAX_VALUE - 1; // an Accept of one slot ending at Long.MAX_VALUE
    Message.Accept accept = new Message.Accept(1, BALLOT, last, List.of(batch(1)), 0);
    stages.receivedSampled(accept, false); // the next sampled slot is past Long.MAX_VALUE
    stages.sent(new Message.Accepted(2, BALLOT, last, 1));
    long top = (Long.MAX_VALUE / Integer.MAX_VALUE) * Integer.MAX_VALUE; // the last sampled slot
    stages.receivedSampled(new Message.Accept(1, BALLOT, top, List.of(batch(1)), 0), false);
    stages.persisting(top);
    stages.synced();
    assertThat(steps.counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(WriteStep.FOLLOWER_PERSIST_QUEUE, 1, WriteStep.FOLLOWER_FORCE, 1));
  }

  @Test
  void aSlotFarBehindIsForgottenNotMisreported() {
    Steps steps = new Steps();
    WriteStages stages = WriteStages.every(1, steps);
    stages.receivedSampled(new Message.Accept(1, BALLOT, 1, List.of(batch(1)), 0), false);
    // The entry of slot 1 is taken by slot 1 + RING before slot 1 is written.
    long later = 1 + WriteStages.RING;
    stages.receivedSampled(new Message.Accept(1, BALLOT, later, List.of(batch(1)), 0), false);
    stages.persisting(1);
    stages.synced();
    assertThat(steps.reported).isEmpty();
  }

  @Test
  void aForceInFlightStampsOnlyTheVotesWrittenBeforeItStarted() {
    Steps steps = new Steps();
    WriteStages stages = WriteStages.every(1, steps);
    TimedStorage storage = new TimedStorage(new InMemoryStorage(), stages);
    stages.receivedSampled(new Message.Accept(1, BALLOT, 1, List.of(batch(1), batch(2)), 0), false);
    storage.saveAccepted(new AcceptedEntry(1, BALLOT, batch(1)));
    Storage.Force first = storage.startSync();
    storage.saveAccepted(new AcceptedEntry(2, BALLOT, batch(2)));
    Storage.Force second = storage.startSync();

    first.await();
    assertThat(steps.count(WriteStep.FOLLOWER_FORCE)).as("slot 1 only").isEqualTo(1);
    second.await();
    assertThat(steps.count(WriteStep.FOLLOWER_FORCE)).isEqualTo(2);
  }

  @Test
  void theTimedStorageOverridesEveryStorageMethod() throws Exception {
    for (Method m : Storage.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Method own = TimedStorage.class.getMethod(m.getName(), m.getParameterTypes());
      assertThat(own.getDeclaringClass())
          .as("TimedStorage must forward %s, not inherit a default", m.getName())
          .isEqualTo(TimedStorage.class);
    }
  }
}
