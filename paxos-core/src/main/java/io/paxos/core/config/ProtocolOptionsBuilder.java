package io.paxos.core.config;

/**
 * Changes some {@link ProtocolOptions} ({@link ProtocolOptions#toBuilder()}); {@link #build()}
 * validates the result. Not thread-safe.
 */
public final class ProtocolOptionsBuilder {
  private long heartbeatIntervalMs;
  private long electionTimeoutMinMs;
  private long electionTimeoutMaxMs;
  private long retransmitMs;
  private int window;
  private int maxBatchCommands;
  private int maxBatchBytes;
  private int maxCommandBytes;
  private int maxSlotsPerMessage;
  private int retainedSlots;
  private boolean acceptedToLearners;
  private int maxMessageBytes;
  private long maxQueuedBytes;
  private int maxSessions;
  private long leaseDurationMs;
  private double maxClockDrift;

  ProtocolOptionsBuilder(ProtocolOptions o) {
    heartbeatIntervalMs = o.heartbeatIntervalMs();
    electionTimeoutMinMs = o.electionTimeoutMinMs();
    electionTimeoutMaxMs = o.electionTimeoutMaxMs();
    retransmitMs = o.retransmitMs();
    window = o.window();
    maxBatchCommands = o.maxBatchCommands();
    maxBatchBytes = o.maxBatchBytes();
    maxCommandBytes = o.maxCommandBytes();
    maxSlotsPerMessage = o.maxSlotsPerMessage();
    retainedSlots = o.retainedSlots();
    acceptedToLearners = o.acceptedToLearners();
    maxMessageBytes = o.maxMessageBytes();
    maxQueuedBytes = o.maxQueuedBytes();
    maxSessions = o.maxSessions();
    leaseDurationMs = o.leaseDurationMs();
    maxClockDrift = o.maxClockDrift();
  }

  /**
   * Sets {@link ProtocolOptions#heartbeatIntervalMs()}.
   *
   * @param ms how often a leader sends heartbeats (and the commit point)
   * @return this builder
   */
  public ProtocolOptionsBuilder heartbeatIntervalMs(long ms) {
    heartbeatIntervalMs = ms;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#electionTimeoutMinMs()} and {@link
   * ProtocolOptions#electionTimeoutMaxMs()}.
   *
   * @param minMs the least time without a live leader before a proposer runs phase 1; also how long
   *     an acceptor stays loyal to a leader it has heard from
   * @param maxMs the upper end of the randomized election timeout
   * @return this builder
   */
  public ProtocolOptionsBuilder electionTimeoutMs(long minMs, long maxMs) {
    electionTimeoutMinMs = minMs;
    electionTimeoutMaxMs = maxMs;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#retransmitMs()}.
   *
   * @param ms how long a leader waits for votes before it sends an {@code Accept} again
   * @return this builder
   */
  public ProtocolOptionsBuilder retransmitMs(long ms) {
    retransmitMs = ms;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#window()}.
   *
   * @param slots how many slots beyond the commit point a leader may have in flight (pipelining)
   * @return this builder
   */
  public ProtocolOptionsBuilder window(int slots) {
    window = slots;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxBatchCommands()}.
   *
   * @param commands the most client commands batched into one slot
   * @return this builder
   */
  public ProtocolOptionsBuilder maxBatchCommands(int commands) {
    maxBatchCommands = commands;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxBatchBytes()}.
   *
   * @param bytes the most payload bytes batched into one slot
   * @return this builder
   */
  public ProtocolOptionsBuilder maxBatchBytes(int bytes) {
    maxBatchBytes = bytes;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxCommandBytes()}.
   *
   * @param bytes the largest single command accepted from a client
   * @return this builder
   */
  public ProtocolOptionsBuilder maxCommandBytes(int bytes) {
    maxCommandBytes = bytes;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxSlotsPerMessage()}.
   *
   * @param slots the most slots carried in one {@code Accept} or catch-up reply
   * @return this builder
   */
  public ProtocolOptionsBuilder maxSlotsPerMessage(int slots) {
    maxSlotsPerMessage = slots;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#retainedSlots()}.
   *
   * @param slots how many delivered slots a learner keeps to serve peers' catch-up
   * @return this builder
   */
  public ProtocolOptionsBuilder retainedSlots(int slots) {
    retainedSlots = slots;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#acceptedToLearners()}.
   *
   * @param on whether acceptors also send {@code Accepted} straight to learners, which then learn a
   *     value one message delay sooner
   * @return this builder
   */
  public ProtocolOptionsBuilder acceptedToLearners(boolean on) {
    acceptedToLearners = on;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxMessageBytes()}.
   *
   * @param bytes the largest message a node builds: batches, catch-up replies, promises, reports
   *     and forwards that carry values or commands are cut to fit (see {@code
   *     io.paxos.core.protocol.MessageBytes}); must be within what the transport's peers accept,
   *     and hold one command of {@code maxCommandBytes} ({@link
   *     ProtocolOptions#oneCommandMessageBytes})
   * @return this builder
   */
  public ProtocolOptionsBuilder maxMessageBytes(int bytes) {
    maxMessageBytes = bytes;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxQueuedBytes()}.
   *
   * @param bytes the most payload bytes of commands a node holds unproposed: queued at the leader
   *     (its own and forwarded ones) or parked while no leader is known; beyond it commands are
   *     refused as overloaded. At least {@code maxCommandBytes}
   * @return this builder
   */
  public ProtocolOptionsBuilder maxQueuedBytes(long bytes) {
    maxQueuedBytes = bytes;
    return this;
  }

  /**
   * Sets {@link ProtocolOptions#maxSessions()}.
   *
   * @param sessions the most client sessions the replicated deduplication table keeps; a new
   *     session beyond it expires the least recently used one. Part of the replicated state's
   *     rules: every node of a cluster must use the same value
   * @return this builder
   */
  public ProtocolOptionsBuilder maxSessions(int sessions) {
    maxSessions = sessions;
    return this;
  }

  /**
   * Sets leader leases: {@link ProtocolOptions#leaseDurationMs()} and {@link
   * ProtocolOptions#maxClockDrift()}.
   *
   * @param durationMs 0 (the default) turns leader leases off; otherwise how long, on its own
   *     clock, an acceptor that acknowledged a leader's heartbeat or {@code Accept} refuses to
   *     promise any other proposer's higher ballot. The leader then serves {@code
   *     Consistency.LEASE} reads without a round trip for {@link ProtocolOptions#leaseHoldMs()}
   *     after it sent a heartbeat that a phase-2 quorum acknowledged. Must be below {@code
   *     electionTimeoutMinMs}. Cost: an acceptor that restarts refuses every other proposer's
   *     {@code Prepare} for this long (it may have granted a lease it forgot), which can delay an
   *     election by as much. See docs/leases.md
   * @param maxClockDrift the bound leases assume on how far any node's clock rate strays from true
   *     time: every clock runs at a rate within {@code [1 - maxClockDrift, 1 + maxClockDrift]}, and
   *     never jumps (a monotonic clock such as {@code System.nanoTime}, not the wall clock). In
   *     {@code [0, 0.5)}; if real clocks drift more, a leader may serve a stale LEASE read. Ignored
   *     while leases are off
   * @return this builder
   */
  public ProtocolOptionsBuilder lease(long durationMs, double maxClockDrift) {
    this.leaseDurationMs = durationMs;
    this.maxClockDrift = maxClockDrift;
    return this;
  }

  /** {@return the options, validated} */
  public ProtocolOptions build() {
    return new ProtocolOptions(
        heartbeatIntervalMs,
        electionTimeoutMinMs,
        electionTimeoutMaxMs,
        retransmitMs,
        window,
        maxBatchCommands,
        maxBatchBytes,
        maxCommandBytes,
        maxSlotsPerMessage,
        retainedSlots,
        acceptedToLearners,
        maxMessageBytes,
        maxQueuedBytes,
        maxSessions,
        leaseDurationMs,
        maxClockDrift);
  }
}
