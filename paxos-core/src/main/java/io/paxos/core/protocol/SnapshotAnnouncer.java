package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.Arrays;

/**
 * A learner's announcements of its newest durable snapshot ({@link Message.SnapshotDurable}) to the
 * nodes that host an acceptor but no learner: when the snapshot is taken or installed, and again
 * every {@value ProtocolNode#ANNOUNCE_EVERY_HEARTBEATS} heartbeat intervals (a lost one only delays
 * their compaction). A node without a learner announces nothing. Not thread-safe: its {@link
 * ProtocolNode}'s thread calls it.
 */
final class SnapshotAnnouncer {
  private final int id;
  private final ProtocolOptions options;
  private final boolean hasLearner;
  // Nodes hosting an acceptor but no learner: they hear of this learner's snapshots. Empty if this
  // node hosts no learner.
  private int[] listeners;
  private long nextAnnouncement;

  SnapshotAnnouncer(int id, ProtocolOptions options, boolean hasLearner, ClusterConfig config) {
    this.id = id;
    this.options = options;
    this.hasLearner = hasLearner;
    follow(config);
  }

  /** The membership changed to {@code config}: announce to its listeners from now on. */
  void follow(ClusterConfig config) {
    listeners = hasLearner ? listeners(config) : new int[0];
  }

  /** Nodes hosting an acceptor but no learner: they hear of this learner's snapshots. */
  private static int[] listeners(ClusterConfig config) {
    return Arrays.stream(config.idsWith(Role.ACCEPTOR))
        .filter(n -> !config.member(n).orElseThrow().has(Role.LEARNER))
        .toArray();
  }

  /** Tell the acceptors without a learner how far this learner's durable snapshot reaches. */
  void announce(long snapshotSlot, Outbox out) {
    if (snapshotSlot > 0 && listeners.length > 0) {
      out.send(listeners, new Message.SnapshotDurable(id, snapshotSlot));
    }
  }

  /** Announce again if the interval since the last repeat is over. */
  void tick(long now, long snapshotSlot, Outbox out) {
    if (now >= nextAnnouncement) {
      announce(snapshotSlot, out);
      nextAnnouncement =
          now + ProtocolNode.ANNOUNCE_EVERY_HEARTBEATS * options.heartbeatIntervalMs();
    }
  }
}
