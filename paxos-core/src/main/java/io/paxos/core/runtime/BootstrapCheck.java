package io.paxos.core.runtime;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once at start, whether a node votes or serves as a learner only, from its storage's
 * bootstrap marker and the node's {@link Bootstrap} setting (see {@code docs/wiped-disks.md}).
 * Called by the thread building the node, before its threads start.
 */
final class BootstrapCheck {
  private static final Logger log = LoggerFactory.getLogger(BootstrapCheck.class);

  private BootstrapCheck() {}

  /**
   * Whether node {@code nodeId} votes: its storage is marked, or it is empty and the node
   * bootstraps a new cluster (the storage is then marked before this returns).
   *
   * @throws IllegalStateException if the node is told to bootstrap a new cluster on an unmarked
   *     storage that holds state (a learner-only member's log): it cannot vote again
   */
  static boolean votes(int nodeId, String clusterId, Storage storage, Bootstrap bootstrap) {
    if (storage.bootstrapped()) {
      return true;
    }
    boolean empty = isEmpty(storage.load()) && storage.snapshots().latest().isEmpty();
    if (bootstrap == Bootstrap.JOIN && empty) {
      storage.markBootstrapped();
      log.info(
          "node {} joins cluster \"{}\": its storage is marked; it catches up from the members and"
              + " takes up its roles once a membership change adds it",
          nodeId,
          clusterId);
      return true;
    }
    if (bootstrap == Bootstrap.NEW) {
      if (!empty) {
        throw new IllegalStateException(
            "node "
                + nodeId
                + " was told to bootstrap a new cluster, but its storage holds state without a"
                + " bootstrap marker (it ran as a learner only after losing its state): it cannot"
                + " vote again under its old identity; start it as a member of the existing"
                + " cluster, or give it an empty storage if the whole cluster is new");
      }
      storage.markBootstrapped();
      log.info("node {} bootstraps new cluster \"{}\": its storage is marked", nodeId, clusterId);
      return true;
    }
    log.warn(
        "node {} of cluster \"{}\" found {} storage without a bootstrap marker: it serves as a"
            + " LEARNER ONLY (no votes, no leadership), since a member that lost its disk must not"
            + " vote again; if this is the first start of a new cluster, start it with bootstrap"
            + " NEW (a server's --bootstrap-new)",
        nodeId,
        clusterId,
        empty ? "an empty" : "a learner-only");
    return false;
  }

  private static boolean isEmpty(DurableState s) {
    return s.promised().equals(Ballot.ZERO)
        && s.accepted().isEmpty()
        && s.maxRound() == 0
        && s.chosen().isEmpty()
        && s.compactedThrough() == 0;
  }
}
