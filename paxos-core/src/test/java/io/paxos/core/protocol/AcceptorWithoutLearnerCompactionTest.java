package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import io.paxos.core.protocol.Message.SnapshotDurable;
import io.paxos.core.sim.Topology;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rule tests of compaction at an acceptor on a node without a learner: "acceptors may only drop
 * slots that are chosen and covered by a snapshot", where the snapshots are the learners' and a
 * majority of the learners must hold one.
 */
class AcceptorWithoutLearnerCompactionTest {
  /** Nodes 1-3 host every role (three learners: a majority is two); 4 and 5 are acceptors only. */
  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities("test", Topology.MIXED.cluster().members());

  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private final Outbox out = new Outbox();

  private DefaultAcceptor acceptor(int id, DurableState state, long acceptedThrough) {
    DefaultAcceptor a = new DefaultAcceptor(id, CONFIG, OPTIONS, state);
    for (long s = a.compactedThrough() + 1; s <= acceptedThrough; s++) {
      a.onAccept(new Accept(1, b(1, 1), s, List.of(value(s)), 0), 0, out);
    }
    out.clear();
    return a;
  }

  private void announce(Acceptor a, int learner, long slot) {
    a.onSnapshotDurable(new SnapshotDurable(learner, slot), out);
  }

  @Test
  @DisplayName(
      "an acceptor without a learner compacts through the slot a majority of the learners"
          + " snapshotted, not on the first announcement")
  void compactsThroughTheMajoritysSnapshot() {
    DefaultAcceptor a = acceptor(4, DurableState.EMPTY, 30);

    announce(a, 1, 20);
    assertThat(a.compactedThrough()).as("one learner of three is no majority").isZero();
    assertThat(out.compaction()).isZero();
    assertThat(a.accepted(5)).isPresent();

    announce(a, 2, 10);
    assertThat(a.compactedThrough()).as("two of three cover slot 10").isEqualTo(10);
    assertThat(out.compaction()).as("persisted before any reply leaves").isEqualTo(10);
    assertThat(a.accepted(10)).isEmpty();
    assertThat(a.accepted(11)).isPresent();

    out.clear();
    announce(a, 3, 25);
    assertThat(a.compactedThrough()).as("the second highest of 20, 10, 25").isEqualTo(20);
    assertThat(out.compaction()).isEqualTo(20);
    assertThat(a.accepted(20)).isEmpty();
    assertThat(a.accepted(21)).isPresent();
  }

  @Test
  @DisplayName(
      "duplicated, stale and reordered announcements, and announcements from nodes that are no"
          + " learner, never move the compaction, let alone backwards")
  void duplicatesStaleAndStrangersChangeNothing() {
    DefaultAcceptor a = acceptor(4, DurableState.EMPTY, 30);
    announce(a, 1, 20);
    announce(a, 2, 20);
    assertThat(a.compactedThrough()).isEqualTo(20);
    out.clear();

    announce(a, 2, 20); // duplicate
    announce(a, 1, 5); // an older one, arriving late
    announce(a, 2, 8);
    announce(a, 3, 15); // the third learner, behind
    announce(a, 5, 29); // an acceptor, no learner
    announce(a, 99, 29); // no member at all
    assertThat(a.compactedThrough()).isEqualTo(20);
    assertThat(out.compaction()).isZero();
    assertThat(out.needsSync()).isFalse();
    assertThat(a.accepted(21)).isPresent();

    announce(a, 3, 26); // 1 and 2 still at 20: the majority covers 20, then 3 overtakes them
    assertThat(a.compactedThrough()).isEqualTo(20);
    announce(a, 1, 26);
    assertThat(a.compactedThrough()).isEqualTo(26);
  }

  @Test
  @DisplayName(
      "a restarted acceptor starts from its persisted compaction point and, hearing only older"
          + " announcements, does not compact backwards")
  void restartKeepsTheCompactionPoint() {
    List<AcceptedEntry> kept =
        List.of(
            new AcceptedEntry(21, b(1, 1), value(21)), new AcceptedEntry(22, b(1, 1), value(22)));
    DefaultAcceptor a = acceptor(4, new DurableState(b(1, 1), kept, 0, List.of(), 20), 22);
    assertThat(a.compactedThrough()).isEqualTo(20);

    announce(a, 1, 12);
    announce(a, 2, 14);
    assertThat(a.compactedThrough()).isEqualTo(20);
    assertThat(out.compaction()).isZero();
    assertThat(a.accepted(21)).isPresent();

    announce(a, 3, 21);
    announce(a, 1, 21);
    assertThat(a.compactedThrough()).isEqualTo(21);
    assertThat(out.compaction()).isEqualTo(21);
    assertThat(a.accepted(22)).isPresent();
  }

  @Test
  @DisplayName(
      "an acceptor on a node with a learner ignores announcements: its own snapshots compact it")
  void acceptorWithALearnerIgnoresAnnouncements() {
    DefaultAcceptor a = acceptor(1, DurableState.EMPTY, 30);
    announce(a, 2, 20);
    announce(a, 3, 20);
    assertThat(a.compactedThrough()).isZero();
    assertThat(out.compaction()).isZero();
  }

  @Test
  @DisplayName(
      "after compacting on the learners' snapshots, a Promise reports from the slot after the"
          + " compaction and an AcceptedQuery reaching into it is not answered")
  void promiseAndQueryAfterCompactionWithoutALearner() {
    ProtocolNode node =
        new ProtocolNode(
            4, CONFIG, OPTIONS, new SplittableRandom(1), DurableState.EMPTY, RoleFactory.DEFAULT);
    for (long s = 1; s <= 20; s++) {
      node.receive(new Accept(1, b(1, 1), s, List.of(value(s)), s), s, out);
    }
    out.clear();
    node.receive(new SnapshotDurable(2, 12), 30, out);
    node.receive(new SnapshotDurable(3, 15), 30, out);
    assertThat(out.compaction()).isEqualTo(12);
    assertThat(node.acceptor().orElseThrow().compactedThrough()).isEqualTo(12);
    assertThat(node.snapshotSlot()).as("no snapshot of its own to offer peers").isZero();
    out.clear();

    node.receive(new Message.AcceptedQuery(2, 1, 10, 14), 30, out);
    assertThat(sent(out)).isEmpty();
    node.receive(new Message.AcceptedQuery(2, 2, 13, 15), 30, out);
    assertThat(onlyTo(out, 2, Message.AcceptedReport.class).accepted())
        .extracting(AcceptedEntry::slot)
        .containsExactly(13L, 14L);
    out.clear();

    node.receive(new Prepare(2, b(2, 2), 1), 10_000, out);
    Promise promise = onlyTo(out, 2, Promise.class);
    assertThat(promise.fromSlot()).isEqualTo(13);
    assertThat(promise.accepted()).extracting(AcceptedEntry::slot).startsWith(13L).hasSize(8);
  }

  @Test
  @DisplayName(
      "a learner announces a newer durable snapshot to the acceptors without a learner, and only"
          + " to them, at once and again on a slow timer")
  void learnerAnnouncesItsSnapshots() {
    ProtocolNode node =
        new ProtocolNode(
            1, CONFIG, OPTIONS, new SplittableRandom(1), DurableState.EMPTY, RoleFactory.DEFAULT);
    node.tick(0, out);
    assertThat(sent(out, SnapshotDurable.class)).as("no snapshot yet: nothing to say").isEmpty();
    out.clear();

    node.compact(15, out);
    assertThat(recipients(out, SnapshotDurable.class)).containsExactly(4, 5);
    assertThat(sent(out, SnapshotDurable.class)).containsOnly(new SnapshotDurable(1, 15));
    out.clear();

    node.compact(12, out);
    assertThat(sent(out, SnapshotDurable.class)).as("an older snapshot is no news").isEmpty();

    long interval = ProtocolNode.ANNOUNCE_EVERY_HEARTBEATS * OPTIONS.heartbeatIntervalMs();
    node.tick(interval - 1, out);
    assertThat(sent(out, SnapshotDurable.class)).as("not yet due").isEmpty();
    node.tick(interval, out);
    assertThat(recipients(out, SnapshotDurable.class))
        .as("repeated, in case the first was lost")
        .containsExactly(4, 5);
    assertThat(sent(out, SnapshotDurable.class)).containsOnly(new SnapshotDurable(1, 15));
    out.clear();
    node.tick(2 * interval - 1, out);
    assertThat(sent(out, SnapshotDurable.class)).isEmpty();
    node.tick(2 * interval, out);
    assertThat(sent(out, SnapshotDurable.class)).containsOnly(new SnapshotDurable(1, 15));
  }

  @Test
  @DisplayName("a learner restarted from a snapshot announces it on its first tick")
  void restartedLearnerAnnounces() {
    ProtocolNode node =
        new ProtocolNode(
            2,
            CONFIG,
            OPTIONS,
            new SplittableRandom(1),
            new DurableState(Ballot.ZERO, List.of(), 0, List.of(), 40),
            RoleFactory.DEFAULT);
    node.tick(5, out);
    assertThat(recipients(out, SnapshotDurable.class)).containsExactly(4, 5);
    assertThat(sent(out, SnapshotDurable.class)).containsOnly(new SnapshotDurable(2, 40));
  }

  @Test
  @DisplayName("in a cluster where every acceptor has a learner, nobody announces anything")
  void noAnnouncementsWithoutListeners() {
    ProtocolNode node =
        new ProtocolNode(
            1,
            ClusterConfig.of("test", 1, 2, 3),
            OPTIONS,
            new SplittableRandom(1),
            DurableState.EMPTY,
            RoleFactory.DEFAULT);
    node.compact(15, out);
    node.tick(0, out);
    assertThat(sent(out, SnapshotDurable.class)).isEmpty();
  }
}
