package io.paxos.core.sim;

import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.host.DeferredStorageWriter;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.SnapshotInfo;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One simulated node: its storage (which outlives crashes), its outbox, and, while it is up, its
 * {@link ProtocolNode} with the {@link OutboxCarrier} and {@link DeferredStorageWriter} that host
 * it. Not thread-safe.
 */
final class SimNode {
  /** A crash waiting for the node's next step that carries out an outbox. */
  enum ArmedCrash {
    NONE,
    /** After the storage thread's next group of writes that has any, before its force returns. */
    MID_SYNC,
    /** After the next force, with only some of the messages that waited for it sent. */
    MID_SEND
  }

  final int id;
  final Member member;
  InMemoryStorage storage = new InMemoryStorage();
  final Outbox out = new Outbox();
  ProtocolNode protocol;
  // While up: the host that carries out the outbox, and its storage thread (both per incarnation).
  OutboxCarrier carrier;
  DeferredStorageWriter writer;
  // Messages still to send before a MID_SEND crash (-1: no crash under way).
  int sendBudget = -1;
  // The last slot delivered since the snapshot check (0: none).
  long deliveredSlot;
  int incarnation;
  ArmedCrash armedCrash = ArmedCrash.NONE;
  long armedDowntime;
  // While the simulated time is below this, the node is paused (see Faults#pauses).
  long pausedUntil;
  // During a pause, when after it the backlog of each sender (0: the clients) is handled, in ms.
  int[] backlogOffsets = new int[0];
  // The newest snapshot this node held before a wipe destroyed its storage (0 if never wiped).
  long snapshotLostToWipe;
  // This node's clock runs at clockRate against the simulation's (SimOptions#clockDrift) since
  // the simulation's time rateSince, when it read rateSinceLocal.
  private double clockRate = 1;
  private long rateSince;
  private double rateSinceLocal;

  SimNode(Member member) {
    this.id = member.id();
    this.member = member;
    storage.markBootstrapped(); // every node is a first member of a new cluster
  }

  /** This node's clock at the simulation's time {@code now}: what its protocol is handed. */
  long clock(long now) {
    return (long) Math.floor(exactClock(now));
  }

  private double exactClock(long now) {
    return rateSinceLocal + clockRate * (now - rateSince);
  }

  /** From the simulation's time {@code now} on, this node's clock runs at {@code rate}. */
  void clockRate(long now, double rate) {
    rateSinceLocal = exactClock(now);
    rateSince = now;
    clockRate = rate;
  }

  double clockRate() {
    return clockRate;
  }

  boolean up() {
    return protocol != null;
  }

  boolean has(Role role) {
    return member.has(role);
  }

  boolean isLeader() {
    return protocol != null && protocol.isLeader();
  }

  /**
   * Save a snapshot of {@code slot} in this node's storage. A simulated snapshot carries only the
   * membership of the slot after it (none in epoch 0), as the runtime's does: the state it stands
   * for is the chosen values it covers.
   */
  void saveSnapshot(long slot, Membership governing) {
    byte[] bytes = governing.epoch() == 0 ? new byte[0] : governing.toBytes();
    try {
      storage.snapshots().save(slot, out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory store does not fail
    }
  }

  /** The bytes of this node's newest snapshot (empty if it has none). */
  byte[] snapshotBytes() {
    var latest = storage.snapshots().latest();
    if (latest.isEmpty()) {
      return new byte[0];
    }
    try (var in = storage.snapshots().open(latest.get())) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The membership a snapshot's bytes carry: {@code initial} if none (epoch 0). */
  static Membership governing(byte[] snapshot, Membership initial) {
    return snapshot.length == 0 ? initial : Membership.fromBytes(snapshot);
  }

  /** The slot of the newest snapshot in this node's storage (0: none). */
  long snapshotSlot() {
    return storage.snapshots().latest().map(SnapshotInfo::slot).orElse(0L);
  }

  /**
   * For the compaction check: the newest snapshot this node holds or held before a wipe destroyed
   * it. An acceptor without a learner compacts on the snapshots of a majority of the learners; a
   * wipe of one of them (a minority at most) does not make that compaction wrong, and leaves a
   * snapshot covering it at a learner never wiped.
   */
  long snapshotSlotBeforeWipes() {
    return Math.max(snapshotSlot(), snapshotLostToWipe);
  }

  @Override
  public String toString() {
    if (protocol == null) {
      return "node " + id + " down";
    }
    StringBuilder b = new StringBuilder("node ").append(id);
    if (!protocol.votes()) {
      b.append(" LEARNER-ONLY");
    }
    protocol
        .proposer()
        .ifPresent(
            p ->
                b.append(p.isLeader() ? " LEADER " : " follower ")
                    .append(p.ballot())
                    .append(" hint ")
                    .append(p.leaderHint()));
    protocol.acceptor().ifPresent(a -> b.append(" promised ").append(a.promised()));
    protocol.learner().ifPresent(l -> b.append(" next ").append(l.nextSlot()));
    return b.toString();
  }
}
