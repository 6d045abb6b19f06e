package io.paxos.core.protocol;

import java.util.Optional;

/**
 * The acceptor role: the memory of the cluster. It promises not to accept ballots below the highest
 * it has promised, and accepts values at or above it.
 *
 * <p>Implementations are deterministic, single-threaded state machines: the host calls them from
 * one thread, passes in the current time, and carries out what they put in the {@link Outbox}
 * (persist, then send). They must record every change of promise or accepted value with {@link
 * Outbox#persistPromise}/{@link Outbox#persistAccepted} in the same call that queues the reply, so
 * that the host can sync before the reply leaves.
 */
public interface Acceptor {

  /** The highest ballot promised (or accepted), {@link Ballot#ZERO} if none. */
  Ballot promised();

  /** What this acceptor accepted for {@code slot}, if anything. */
  Optional<AcceptedEntry> accepted(long slot);

  /**
   * Every slot through this one is chosen and covered by a durable snapshot, and forgotten here (0
   * if none). Slots below it are reported from it on in a {@code Promise}.
   */
  default long compactedThrough() {
    return 0;
  }

  /**
   * Forget the slots through {@code snapshotSlot}. The host calls it only once every one of them is
   * chosen and covered by a durable snapshot (the compaction invariant of {@link DurableState}); an
   * acceptor may keep more. The default keeps everything.
   */
  default void compact(long snapshotSlot) {}

  /**
   * This node's learner delivered {@code delivered} at {@code slot} and keeps {@code kept}, an
   * equal value (its {@link Value#packed()} form). An acceptor whose entry for the slot holds that
   * very value may hold {@code kept} instead, so that the two share one compact copy until the slot
   * is compacted; what it reports is unchanged. The default keeps its entry as it is.
   */
  default void onDelivered(long slot, Value delivered, Value kept) {}

  /**
   * A learner announced a durable snapshot. An acceptor on a node that hosts no learner (so takes
   * no snapshot of its own) may compact here through the slot that durable snapshots of a majority
   * of the learners cover, recording it with {@link Outbox#persistCompaction} so that its host
   * persists it before any reply leaves; it never compacts backwards. The default keeps everything.
   */
  default void onSnapshotDurable(Message.SnapshotDurable announcement, Outbox out) {}

  /** Phase 1: promise {@code prepare.ballot()} if it is not below the promise, or refuse. */
  /**
   * The host's turn ends (at {@link ProtocolNode#flush}) with its clock read at {@code now}: a
   * reading taken after every input of the previous turn arrived. The default does nothing.
   */
  default void endTurn(long now) {}

  void onPrepare(Message.Prepare prepare, long now, Outbox out);

  /** Phase 2: accept the values if the ballot is not below the promise, or refuse. */
  void onAccept(Message.Accept accept, long now, Outbox out);

  /** A leader's heartbeat: acknowledge it if no higher ballot was promised, or refuse. */
  void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out);

  /**
   * The node moved to {@code membership} (docs/membership.md): refuse ballots of earlier epochs,
   * and send votes to and take snapshot announcements from its learners. Ballot order alone keeps
   * an acceptor safe (R5); refusing the ended epochs also stops a proposer that fell behind from
   * leading a zombie epoch with this acceptor's help, and tells it, through the Nack, to catch up.
   */
  void adoptMembership(Membership membership);
}
