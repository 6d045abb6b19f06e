package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The library's acceptor. One promise covers every slot (Multi-Paxos). The rules:
 *
 * <ul>
 *   <li>Promise a {@code Prepare} whose ballot is at least the promise, reporting what was accepted
 *       from its first slot on; refuse a lower one with a {@code Nack}.
 *   <li>Accept an {@code Accept} whose ballot is at least the promise (equal is the leader's normal
 *       case), raising the promise to it; refuse a lower one.
 *   <li>Stay loyal: while the leader of the promised ballot was heard within the minimum election
 *       timeout, refuse a {@code Prepare} from any other proposer, so that a node that merely lost
 *       touch with a healthy leader cannot depose it.
 *   <li>Leases (when {@link ProtocolOptions#leasesOn()}): having acknowledged the leader's
 *       heartbeat or {@code Accept}, refuse any other proposer's {@code Prepare} for the lease
 *       duration, counted on this node's clock and kept across a restart ({@link LeasePromise}), so
 *       that the leader may serve reads from its lease (docs/leases.md).
 *   <li>Compaction: the slots through {@link #compactedThrough()} are chosen and covered by a
 *       snapshot, so their entries are dropped. A {@code Promise} then reports from the slot after
 *       them (its {@code fromSlot} is above the {@code Prepare}'s), which tells the new leader not
 *       to propose there: with the entries gone, a no-op could otherwise fill a chosen slot. An
 *       {@code Accept} for such a slot is still answered (its value can only be the chosen one, and
 *       the leader may need the vote), but not stored.
 *   <li>On a node that hosts no learner, there is no snapshot of its own to compact to: the
 *       acceptor compacts through the slot that durable snapshots of a majority of the learners
 *       cover, as they announce them ({@link Message.SnapshotDurable}). Those slots are chosen (a
 *       learner snapshots only what it applied) and recoverable even if a minority of the learners
 *       lose their disks. An acceptor on a node with a learner ignores announcements: its node's
 *       own snapshots compact it.
 * </ul>
 *
 * <p>Not thread-safe; see {@link Acceptor}.
 */
public final class DefaultAcceptor implements Acceptor {
  private final int id;
  private int[] learners;
  private final ProtocolOptions options;
  // Null on a node that hosts a learner: its own snapshots compact this acceptor.
  private LearnerSnapshots learnerSnapshots;
  private final SlotRing<AcceptedEntry> accepted;
  private long highestAccepted;
  private long compactedThrough;
  private Ballot promised;
  // The epoch of the node's membership: ballots of earlier epochs are refused, as if promised
  // away, and the Nack names the epoch, which tells their proposer it fell behind.
  private int epochFloor;
  private long leaderHeardAt = Long.MIN_VALUE;
  private final LeasePromise lease;

  public DefaultAcceptor(
      int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
    this.id = id;
    this.options = options;
    this.learners = config.idsWith(Role.LEARNER);
    boolean withLearner = config.member(id).map(m -> m.has(Role.LEARNER)).orElse(false);
    this.learnerSnapshots = withLearner ? null : new LearnerSnapshots(learners);
    this.promised = state.promised();
    this.lease = new LeasePromise(options.leaseDurationMs(), !promised.equals(Ballot.ZERO));
    this.compactedThrough = state.compactedThrough();
    this.accepted = new SlotRing<>(compactedThrough + 1, 1024);
    for (AcceptedEntry e : state.accepted()) {
      accepted.put(e.slot(), e);
      highestAccepted = Math.max(highestAccepted, e.slot());
    }
  }

  /** What a ballot must reach to be taken: the promise, and the first ballot of the epoch. */
  private Ballot bar() {
    return epochFloor == 0 ? promised : Ballot.max(promised, new Ballot(epochFloor, 0, 0));
  }

  @Override
  public void adoptMembership(Membership membership) {
    epochFloor = Math.max(epochFloor, membership.epoch());
    ClusterConfig config = membership.config();
    learners = config.idsWith(Role.LEARNER);
    boolean withLearner = config.member(id).map(m -> m.has(Role.LEARNER)).orElse(false);
    // The new learners announce their snapshots again; compaction only ever moves forward.
    learnerSnapshots = withLearner ? null : new LearnerSnapshots(learners);
  }

  @Override
  public Ballot promised() {
    return promised;
  }

  @Override
  public long compactedThrough() {
    return compactedThrough;
  }

  @Override
  public void compact(long snapshotSlot) {
    if (snapshotSlot > compactedThrough) {
      compactedThrough = snapshotSlot;
      accepted.advanceTo(snapshotSlot + 1);
    }
  }

  @Override
  public void onSnapshotDurable(Message.SnapshotDurable announcement, Outbox out) {
    if (learnerSnapshots == null) {
      return;
    }
    learnerSnapshots.announced(announcement.from(), announcement.slot());
    long covered = learnerSnapshots.coveredByMajority();
    if (covered > compactedThrough) {
      compact(covered);
      out.persistCompaction(covered);
    }
  }

  @Override
  public void onDelivered(long slot, Value delivered, Value kept) {
    AcceptedEntry e = accepted.get(slot);
    // Only the same object: comparing a different one for equality would cost a decode, and an
    // entry with another value (of a lower ballot than the chosen one) must stay as it is.
    if (e != null && e.value() == delivered && kept != delivered) {
      accepted.put(slot, new AcceptedEntry(slot, e.ballot(), kept));
    }
  }

  @Override
  public void endTurn(long now) {
    lease.endTurn(now);
  }

  @Override
  public Optional<AcceptedEntry> accepted(long slot) {
    return Optional.ofNullable(accepted.get(slot));
  }

  @Override
  public void onPrepare(Message.Prepare prepare, long now, Outbox out) {
    Ballot ballot = prepare.ballot();
    boolean heard =
        leaderHeardAt != Long.MIN_VALUE && now - leaderHeardAt < options.electionTimeoutMinMs();
    boolean loyal =
        ballot.isAbove(promised)
            && ballot.nodeId() != promised.nodeId()
            && (heard || lease.holds(now));
    if (!ballot.isAtLeast(bar()) || loyal) {
      out.send(prepare.from(), new Message.Nack(id, ballot, bar()));
      return;
    }
    if (ballot.isAbove(promised)) {
      promised = ballot;
      out.persistPromise(ballot);
    }
    List<AcceptedEntry> report = new ArrayList<>();
    long from = Math.max(prepare.fromSlot(), compactedThrough + 1);
    long budget = (long) options.maxMessageBytes() - MessageBytes.MESSAGE_OVERHEAD;
    long bytes = 0;
    long nextFrom = 0;
    for (long s = from; s <= highestAccepted; s++) {
      AcceptedEntry e = accepted.get(s);
      if (e != null) {
        long size = MessageBytes.entry(e);
        if (!report.isEmpty() && bytes + size > budget) {
          nextFrom = s; // the rest in another part, when the proposer asks from here
          break;
        }
        report.add(e);
        bytes += size;
      }
    }
    out.send(prepare.from(), new Message.Promise(id, ballot, from, report, nextFrom));
  }

  @Override
  public void onAccept(Message.Accept accept, long now, Outbox out) {
    Ballot ballot = accept.ballot();
    if (!ballot.isAtLeast(bar())) {
      out.send(accept.from(), new Message.Nack(id, ballot, bar()));
      return;
    }
    if (ballot.isAbove(promised)) {
      promised = ballot;
      out.persistPromise(ballot);
    }
    leaderHeardAt = now;
    lease.grant();
    long slot = accept.firstSlot();
    for (Value value : accept.values()) {
      if (slot > compactedThrough) {
        AcceptedEntry entry = new AcceptedEntry(slot, ballot, value);
        accepted.put(slot, entry);
        out.persistAccepted(entry);
      }
      slot++;
    }
    highestAccepted = Math.max(highestAccepted, slot - 1);
    Message.Accepted vote =
        new Message.Accepted(id, ballot, accept.firstSlot(), accept.values().size());
    out.send(accept.from(), vote);
    if (options.acceptedToLearners()) {
      for (int learner : learners) {
        if (learner != accept.from()) {
          out.send(learner, vote);
        }
      }
    }
  }

  @Override
  public void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {
    if (!heartbeat.ballot().isAtLeast(bar())) {
      out.send(heartbeat.from(), new Message.Nack(id, heartbeat.ballot(), bar()));
      return;
    }
    if (heartbeat.ballot().isAbove(promised)) {
      promised = heartbeat.ballot();
      out.persistPromise(promised);
    }
    leaderHeardAt = now;
    lease.grant();
    out.send(
        heartbeat.from(), new Message.HeartbeatAck(id, heartbeat.ballot(), heartbeat.sequence()));
  }
}
