package io.paxos.core.observe;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.Term;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what an operator needs to follow a node, one INFO line per event: started, stopped, became
 * leader, lost leadership (and why), a new leader, a peer reachable or unreachable (once per
 * transition), a snapshot taken or installed, catch-up started and finished. Never a line per
 * command: the counting events are not logged. Every node has one (logger {@code
 * io.paxos.core.observe.LoggingObserver}); to silence it, set that logger's level above INFO.
 *
 * <p>Terms (ballots) print as {@code round.node} ({@link Term#toString()}), e.g. {@code 4.2} is
 * round 4 of node 2.
 *
 * <p>Messages refused for being out of bounds are logged as WARN lines, at most one per sending
 * peer every 10 seconds ({@link RateLimitedLog}), so that a peer that floods them cannot flood the
 * log. A proposer that stops campaigning for good writes one ERROR line.
 *
 * <p>Thread-safe: it keeps no state but the node's id and the rate limit of refusals.
 */
public final class LoggingObserver implements NodeObserver {
  private static final Logger log = LoggerFactory.getLogger(LoggingObserver.class);

  private final int nodeId;
  private final RateLimitedLog refusals = RateLimitedLog.warnings(log);

  /**
   * An observer that logs for one node.
   *
   * @param nodeId the node's id, in every line
   */
  public LoggingObserver(int nodeId) {
    this.nodeId = nodeId;
  }

  @Override
  public void started(NodeStarted node, NodeGauges gauges) {
    log.info(
        "node {} of cluster {} started: roles {}, members {}, storage {}, recovered through slot {}{}",
        node.nodeId(),
        node.clusterId(),
        node.roles().stream()
            .sorted()
            .map(r -> r.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(",")),
        node.addresses().isEmpty() ? "(addresses not known to the transport)" : node.addresses(),
        node.storage(),
        node.recoveredSlot(),
        node.snapshotSlot() > 0 ? " (from the snapshot of slot " + node.snapshotSlot() + ")" : "");
  }

  @Override
  public void stopped(String why) {
    log.info("node {} stopped: {}", nodeId, why);
  }

  @Override
  public void becameLeader(Term term) {
    log.info("node {} became leader with ballot {}", nodeId, term);
  }

  @Override
  public void lostLeadership(Term term, LeadershipLoss why, Term higher) {
    if (why == LeadershipLoss.HIGHER_BALLOT) {
      log.info(
          "node {} lost leadership (ballot {}): node {} has the higher ballot {}",
          nodeId,
          term,
          higher.proposerId(),
          higher);
    } else if (why == LeadershipLoss.HANDED_OVER) {
      log.info(
          "node {} handed leadership (ballot {}) over to a caught-up proposer of higher priority",
          nodeId,
          term);
    } else {
      log.info(
          "node {} lost leadership (ballot {}): no quorum of acceptors answered within the"
              + " election timeout",
          nodeId,
          term);
    }
  }

  @Override
  public void leaderChanged(int leaderId) {
    if (leaderId != nodeId) {
      log.info("node {} follows leader {}", nodeId, leaderId);
    }
  }

  @Override
  public void peerReachable(int peer) {
    log.info("node {}: peer {} is reachable", nodeId, peer);
  }

  @Override
  public void peerUnreachable(int peer, String why) {
    log.info("node {}: peer {} is unreachable ({})", nodeId, peer, why);
  }

  @Override
  public void membershipChanged(ClusterEpoch from, ClusterEpoch to) {
    boolean was = from.config().member(nodeId).isPresent();
    boolean is = to.config().member(nodeId).isPresent();
    log.info(
        "node {} moved to membership epoch {} from slot {}: members {}, quorums {}/{} (epoch {}"
            + " had {}){}",
        nodeId,
        to.epoch(),
        to.firstSlot(),
        Arrays.toString(to.config().ids()),
        to.config().phase1Quorum(),
        to.config().phase2Quorum(),
        from.epoch(),
        Arrays.toString(from.config().ids()),
        was && !is
            ? "; this node was REMOVED: it serves no commands or reads and votes no more"
            : !was && is ? "; this node JOINED: it takes up its roles" : "");
  }

  @Override
  public void snapshotTaken(long slot, long bytes) {
    log.info("node {} took a snapshot of slot {} ({} bytes)", nodeId, slot, bytes);
  }

  @Override
  public void snapshotInstalled(long slot, long bytes, int from) {
    log.info(
        "node {} installs the snapshot of slot {} ({} bytes) from node {}",
        nodeId,
        slot,
        bytes,
        from);
  }

  @Override
  public void catchUpStarted(long fromSlot, long toSlot) {
    log.info("node {} is behind: catching up slots {} to {} from peers", nodeId, fromSlot, toSlot);
  }

  @Override
  public void catchUpFinished(long slot, long nanos) {
    log.info("node {} caught up through slot {} in {} ms", nodeId, slot, nanos / 1_000_000);
  }

  @Override
  public void messageRefused(int from, String why) {
    refusals.event("node " + nodeId + " refuses messages from node " + from, why);
  }

  @Override
  public void campaignsStopped(Term highest, long maxRound) {
    log.error(
        "node {} stops campaigning for leadership: the highest ballot it knows, {}, leaves no round"
            + " up to the maximum {} above it (a forged message, or a promise persisted by a build"
            + " without message bounds). It still follows a leader; see docs/bounds.md to recover",
        nodeId,
        highest,
        maxRound);
  }
}
