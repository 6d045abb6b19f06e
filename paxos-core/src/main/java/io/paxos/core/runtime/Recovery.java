package io.paxos.core.runtime;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.SnapshotInfo;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import java.io.IOException;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node does with its durable state as it opens, before its threads start. */
final class Recovery {
  // The node's logger: operators and tests know these lines as the node's.
  private static final Logger log = LoggerFactory.getLogger(PaxosNode.class);

  private Recovery() {}

  /** The protocol of a node that opened its state, and that state after its snapshot. */
  record Opened(ProtocolNode protocol, DurableState durable) {}

  /**
   * Open a node's durable state: load it, restore the newest snapshot and replay the log after it
   * into {@code applier} (null on a node without a learner), and build the protocol in the
   * membership they reach (the snapshot's, and the changes in the log after it).
   */
  static Opened open(
      PaxosNodeBuilder b,
      boolean votes,
      Applier applier,
      AppliedMembership appliedMembership,
      long clientId) {
    DurableState durable = b.storage.load();
    Membership start = Membership.initial(b.config);
    if (applier != null) {
      durable = restoreSnapshot(b.nodeId, b.storage, applier, durable);
      start = appliedMembership.current(); // the snapshot's; the log after it is followed below
      applier.replay(durable.chosen(), durable.compactedThrough() + 1);
    }
    ProtocolNode protocol =
        new ProtocolNode(
            b.nodeId,
            start,
            b.self,
            b.options,
            new SplittableRandom(System.nanoTime() ^ ((long) b.nodeId << 32) ^ clientId),
            durable,
            b.roles,
            votes,
            b.messageLimits);
    warnIfBeyondMaxRound(b.nodeId, durable);
    return new Opened(protocol, durable);
  }

  /**
   * Restore the state machine from the newest valid snapshot, if there is one, and return the
   * durable state after it (the log to replay). The log must not be compacted beyond it.
   */
  static DurableState restoreSnapshot(
      int nodeId, Storage storage, Applier applier, DurableState durable) {
    Optional<SnapshotInfo> latest = storage.snapshots().latest();
    if (latest.isEmpty() || latest.get().slot() < durable.compactedThrough()) {
      if (durable.compactedThrough() > 0) {
        throw new StorageException(
            "node "
                + nodeId
                + "'s log was compacted through slot "
                + durable.compactedThrough()
                + " but no valid snapshot covers it (newest valid: "
                + latest.map(i -> "slot " + i.slot()).orElse("none")
                + "): the state cannot be rebuilt; restore the data directory from a copy");
      }
      return durable;
    }
    SnapshotInfo info = latest.get();
    try {
      applier.restore(storage.snapshots(), info);
    } catch (IOException e) {
      throw new StorageException(
          "cannot restore the snapshot of slot " + info.slot() + ": " + e, e);
    }
    if (info.slot() > durable.compactedThrough()) {
      storage.compact(info.slot());
      storage.sync();
    }
    return durable.afterSnapshot(info.slot());
  }

  /**
   * A promise or round beyond {@link Ballot#MAX_ROUND} on disk was persisted by a build without
   * message bounds, from a forged or broken message. The node runs on (no crash at every start):
   * its acceptor refuses every ballot below the promise, and its proposer does not campaign; one
   * ERROR line says so.
   */
  static void warnIfBeyondMaxRound(int nodeId, DurableState durable) {
    if (durable.promised().round() > Ballot.MAX_ROUND || durable.maxRound() > Ballot.MAX_ROUND) {
      log.error(
          "node {}: its storage holds promise {} and round {}, beyond the maximum round {}; it"
              + " votes for no ballot below that promise and campaigns no more (see"
              + " docs/bounds.md to recover)",
          nodeId,
          durable.promised(),
          durable.maxRound(),
          Ballot.MAX_ROUND);
    }
  }

  /**
   * A node that failed to open closes what it opened, adding what that throws to {@code failure}.
   */
  static void closeAfterFailure(Throwable failure, AutoCloseable... opened) {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception | Error e) {
        failure.addSuppressed(e);
      }
    }
  }
}
