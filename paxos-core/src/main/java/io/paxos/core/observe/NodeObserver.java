package io.paxos.core.observe;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.Term;
import io.paxos.core.transport.PeerObserver;

/**
 * What a running node reports as it happens, for logs and metrics. Every method does nothing by
 * default: implement those you need. Set one on {@link
 * io.paxos.core.runtime.PaxosNodeBuilder#observer}; every node also has a {@link LoggingObserver}.
 *
 * <p>It is the node's listener for events an application acts on, too: leadership ({@link
 * #becameLeader}, {@link #lostLeadership}, {@link #leaderChanged}), failures ({@link #nodeFailed},
 * then {@link #stopped}; {@link #commandFailed}) and peers ({@link #peerReachable}, {@link
 * #peerUnreachable}). The node logs each of them: the {@link LoggingObserver} leadership and peers
 * as one INFO line per transition, the node a failure as one ERROR line, and failed commands as
 * WARN lines, at most one every 10 s.
 *
 * <p><b>Threading.</b> The node calls these methods from its own threads: the event loop (most of
 * them), the storage thread ({@link #synced}, some {@link #writeStep}s), the snapshot thread
 * ({@link #snapshotTaken}, {@link #snapshotInstalled}), the apply thread ({@link #commandFailed}),
 * the thread that failed ({@link #nodeFailed}), a stopping thread ({@link #stopped}) and the
 * transport's threads (the {@link PeerObserver} methods). Calls from one thread come in order;
 * calls from different threads may overlap, so an implementation must be thread-safe.
 *
 * <p><b>What implementations must not do.</b> Block, take a lock others hold for long, do I/O
 * (logging aside) or throw: the event loop waits for every call. The counting methods ({@link
 * #proposed}, {@link #chosen}, {@link #commitLatency}, {@link #synced}) are called on the hot path,
 * once per event-loop turn, slot or sync (never once per command): keep them to an increment or a
 * histogram record, without allocating. Do not call back into the node from them.
 */
public interface NodeObserver extends PeerObserver {

  /**
   * The node started: it recovered its state and is about to take messages. {@code gauges} reads
   * its current values from now on, until {@link #stopped}.
   *
   * @param node what the node started with: its id, configuration and recovered state
   * @param gauges reads the node's current values, from any thread
   */
  default void started(NodeStarted node, NodeGauges gauges) {}

  /**
   * The node stopped: closed, or after a failure ({@code why} says which).
   *
   * @param why "closed", or the failure, for a log line
   */
  default void stopped(String why) {}

  /**
   * The node stops because of {@code error}: a storage failure, a broken invariant, or an exception
   * from the state machine under {@link io.paxos.core.config.ApplyFailurePolicy#STOP_NODE}. Called
   * once, on the thread that met the failure, before the node closes; {@link #stopped} follows.
   *
   * @param error what the node met
   */
  default void nodeFailed(Throwable error) {}

  /**
   * The state machine threw applying a command chosen in {@code slot}, an exception of class {@code
   * exceptionClass}, and under {@link io.paxos.core.config.ApplyFailurePolicy#FAIL_COMMAND} the
   * command failed and the node goes on (on the apply thread, once per failed command; not for the
   * commands that fail again when the node replays its log at a restart).
   *
   * @param slot the slot the command was chosen in, at least 1
   * @param exceptionClass the class name of what the state machine threw
   */
  default void commandFailed(long slot, String exceptionClass) {}

  /**
   * {@code commands} client commands made at this node were handed to the protocol.
   *
   * @param commands how many, at least 1
   */
  default void proposed(int commands) {}

  /**
   * Slot {@code slot} was chosen with {@code commands} client commands (0 for a no-op) and
   * delivered to this node's learner, in slot order.
   *
   * @param slot the slot, at least 1
   * @param commands how many client commands it carries, at least 0
   */
  default void chosen(long slot, int commands) {}

  /**
   * At the leader: a slot was chosen and delivered {@code nanos} after the leader first sent its
   * {@code Accept}.
   *
   * @param nanos the time from the first {@code Accept} to delivery, in nanoseconds, at least 0
   */
  default void commitLatency(long nanos) {}

  /**
   * A sync of the durable storage took {@code nanos} (a force of the log file).
   *
   * @param nanos how long the sync took, in nanoseconds, at least 0
   */
  default void synced(long nanos) {}

  /**
   * A sampled write took {@code nanos} for {@code step} on this node (only when the node samples
   * writes: {@link io.paxos.core.runtime.PaxosNodeBuilder#writeStageSampling}; never otherwise).
   * Called on the thread that saw the step end: the event loop, the storage thread, the apply
   * thread, or a caller of {@code submit}. Once per sampled slot or command, not per write: keep it
   * to a histogram record.
   *
   * @param step which step, timed on this node
   * @param nanos how long it took, in nanoseconds, at least 0
   */
  default void writeStep(WriteStep step, long nanos) {}

  /**
   * This node leads in {@code term}.
   *
   * @param term the term (ballot) a quorum of acceptors promised
   */
  default void becameLeader(Term term) {}

  /**
   * This node stopped leading in {@code term} because of {@code why}; {@code higher} is the term
   * that beat it ({@link Term#NONE} when the quorum was lost or leadership was handed over).
   *
   * @param term the term it led in
   * @param why why it stopped
   * @param higher the term that beat it, or {@link Term#NONE}
   */
  default void lostLeadership(Term term, LeadershipLoss why, Term higher) {}

  /**
   * This node now believes {@code leaderId} leads (another node than it believed before).
   *
   * @param leaderId the id of the node believed to lead; 0 if none is known
   */
  default void leaderChanged(int leaderId) {}

  /**
   * The cluster's membership changed, as this node learned (docs/membership.md): a change chosen in
   * the log took effect, or a snapshot carried a later membership, or the node started in one. Once
   * per epoch this node moves to; the epochs in between, if it skipped some, are not reported.
   *
   * @param from the membership this node was in
   * @param to the membership it is in now, of a later epoch; this node may not be a member of it
   *     (it was removed) or may have just become one (it joined)
   */
  default void membershipChanged(ClusterEpoch from, ClusterEpoch to) {}

  /**
   * A snapshot of slot {@code slot}, {@code bytes} long, taken here is durable.
   *
   * @param slot the last slot the snapshot covers
   * @param bytes its payload's size in bytes
   */
  default void snapshotTaken(long slot, long bytes) {}

  /**
   * A snapshot of slot {@code slot}, {@code bytes} long, received from node {@code from}, is
   * durable and verified here and is being installed.
   *
   * @param slot the last slot the snapshot covers
   * @param bytes its payload's size in bytes
   * @param from the id of the peer that sent it
   */
  default void snapshotInstalled(long slot, long bytes, int from) {}

  /**
   * The learner is behind: it fetches slots {@code fromSlot} to {@code toSlot} (known chosen) from
   * its peers.
   *
   * @param fromSlot the first slot it lacks
   * @param toSlot the last slot it knows to be chosen, at least {@code fromSlot}
   */
  default void catchUpStarted(long fromSlot, long toSlot) {}

  /**
   * The learner caught up through {@code slot}, {@code nanos} after it started.
   *
   * @param slot the last slot it now holds
   * @param nanos how long catching up took, in nanoseconds
   */
  default void catchUpFinished(long slot, long nanos) {}

  /**
   * A message from peer {@code from} was refused and dropped before any role saw it, because a
   * ballot, slot, count or size in it is out of bounds ({@code why} says which; see {@code
   * docs/bounds.md}). May come once per message: count it, and log it rate-limited.
   *
   * @param from the id of the peer that sent it
   * @param why which field was out of bounds, for a log line; may quote the peer's values
   */
  default void messageRefused(int from, String why) {}

  /**
   * This node's proposer stopped campaigning for good: the highest term it knows of, {@code
   * highest}, leaves no round up to {@code maxRound} above it. Called once.
   *
   * @param highest the highest term it knows of
   * @param maxRound the highest round a term may have (2^62)
   */
  default void campaignsStopped(Term highest, long maxRound) {}
}
