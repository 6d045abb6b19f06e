package io.paxos.core.config;

/**
 * Tuning of the protocol: timings (in milliseconds of whatever clock the caller passes in),
 * pipelining and batching limits. Immutable; validated in the constructor. Start from {@link
 * #defaults()} and change fields with {@link #toBuilder()} (or a {@code with...} method).
 *
 * @param heartbeatIntervalMs how often a leader sends heartbeats (and the commit point)
 * @param electionTimeoutMinMs the least time without a live leader before a proposer runs phase 1;
 *     also how long an acceptor stays loyal to a leader it has heard from
 * @param electionTimeoutMaxMs the upper end of the randomized election timeout
 * @param retransmitMs how long a leader waits for votes before it sends an {@code Accept} again
 * @param window how many slots beyond the commit point a leader may have in flight (pipelining)
 * @param maxBatchCommands the most client commands batched into one slot
 * @param maxBatchBytes the most payload bytes batched into one slot
 * @param maxCommandBytes the largest single command accepted from a client
 * @param maxSlotsPerMessage the most slots carried in one {@code Accept} or catch-up reply
 * @param retainedSlots how many delivered slots a learner keeps to serve peers' catch-up
 * @param acceptedToLearners whether acceptors also send {@code Accepted} straight to learners,
 *     which then learn a value one message delay sooner
 * @param maxMessageBytes the largest message a node builds: batches, catch-up replies, promises,
 *     reports and forwards that carry values or commands are cut to fit (see {@code
 *     io.paxos.core.protocol.MessageBytes}); must be within what the transport's peers accept, and
 *     hold one command of {@code maxCommandBytes} ({@link #oneCommandMessageBytes})
 * @param maxQueuedBytes the most payload bytes of commands a node holds unproposed: queued at the
 *     leader (its own and forwarded ones) or parked while no leader is known; beyond it commands
 *     are refused as overloaded. At least {@code maxCommandBytes}
 * @param maxSessions the most client sessions the replicated deduplication table keeps; a new
 *     session beyond it expires the least recently used one. Part of the replicated state's rules:
 *     every node of a cluster must use the same value
 * @param leaseDurationMs 0 (the default) turns leader leases off; otherwise how long, on its own
 *     clock, an acceptor that acknowledged a leader's heartbeat or {@code Accept} refuses to
 *     promise any other proposer's higher ballot. The leader then serves {@code Consistency.LEASE}
 *     reads without a round trip for {@link #leaseHoldMs()} after it sent a heartbeat that a
 *     phase-2 quorum acknowledged. Must be below {@code electionTimeoutMinMs}. Cost: an acceptor
 *     that restarts refuses every other proposer's {@code Prepare} for this long (it may have
 *     granted a lease it forgot), which can delay an election by as much. See docs/leases.md
 * @param maxClockDrift the bound leases assume on how far any node's clock rate strays from true
 *     time: every clock runs at a rate within {@code [1 - maxClockDrift, 1 + maxClockDrift]}, and
 *     never jumps (a monotonic clock such as {@code System.nanoTime}, not the wall clock). In
 *     {@code [0, 0.5)}; if real clocks drift more, a leader may serve a stale LEASE read. Ignored
 *     while leases are off
 */
public record ProtocolOptions(
    long heartbeatIntervalMs,
    long electionTimeoutMinMs,
    long electionTimeoutMaxMs,
    long retransmitMs,
    int window,
    int maxBatchCommands,
    int maxBatchBytes,
    int maxCommandBytes,
    int maxSlotsPerMessage,
    int retainedSlots,
    boolean acceptedToLearners,
    int maxMessageBytes,
    long maxQueuedBytes,
    int maxSessions,
    long leaseDurationMs,
    double maxClockDrift) {

  /** Bound on the encoding of one command beyond its payload (see {@link #maxMessageBytes}). */
  public static final int COMMAND_OVERHEAD_BYTES = 64;

  /** Bound on the encoding of one value or accepted entry beyond its commands. */
  public static final int ENTRY_OVERHEAD_BYTES = 64;

  /** Bound on the encoding of one message beyond its values or commands, framing included. */
  public static final int MESSAGE_OVERHEAD_BYTES = 256;

  /** 16 MiB: well within the gRPC transport's default 64 MiB inbound limit. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  /** 64 MiB of commands waiting to be proposed. */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;

  /** 100,000 client sessions (about 60 MB of deduplication table at most). */
  public static final int DEFAULT_MAX_SESSIONS = 100_000;

  /**
   * Options with the defaults of the fields added since the first release.
   *
   * @param heartbeatIntervalMs how often a leader sends heartbeats (and the commit point)
   * @param electionTimeoutMinMs the least time without a live leader before a proposer runs phase
   *     1; also how long an acceptor stays loyal to a leader it has heard from
   * @param electionTimeoutMaxMs the upper end of the randomized election timeout
   * @param retransmitMs how long a leader waits for votes before it sends an {@code Accept} again
   * @param window how many slots beyond the commit point a leader may have in flight (pipelining)
   * @param maxBatchCommands the most client commands batched into one slot
   * @param maxBatchBytes the most payload bytes batched into one slot
   * @param maxCommandBytes the largest single command accepted from a client
   * @param maxSlotsPerMessage the most slots carried in one {@code Accept} or catch-up reply
   * @param retainedSlots how many delivered slots a learner keeps to serve peers' catch-up
   * @param acceptedToLearners whether acceptors also send {@code Accepted} straight to learners,
   *     which then learn a value one message delay sooner
   * @throws IllegalArgumentException if a value is out of its bounds (see the canonical
   *     constructor)
   */
  public ProtocolOptions(
      long heartbeatIntervalMs,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long retransmitMs,
      int window,
      int maxBatchCommands,
      int maxBatchBytes,
      int maxCommandBytes,
      int maxSlotsPerMessage,
      int retainedSlots,
      boolean acceptedToLearners) {
    this(
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
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_QUEUED_BYTES,
        DEFAULT_MAX_SESSIONS);
  }

  /**
   * Options with leases off (the fields added with them).
   *
   * @param heartbeatIntervalMs how often a leader sends heartbeats (and the commit point)
   * @param electionTimeoutMinMs the least time without a live leader before a proposer runs phase
   *     1; also how long an acceptor stays loyal to a leader it has heard from
   * @param electionTimeoutMaxMs the upper end of the randomized election timeout
   * @param retransmitMs how long a leader waits for votes before it sends an {@code Accept} again
   * @param window how many slots beyond the commit point a leader may have in flight (pipelining)
   * @param maxBatchCommands the most client commands batched into one slot
   * @param maxBatchBytes the most payload bytes batched into one slot
   * @param maxCommandBytes the largest single command accepted from a client
   * @param maxSlotsPerMessage the most slots carried in one {@code Accept} or catch-up reply
   * @param retainedSlots how many delivered slots a learner keeps to serve peers' catch-up
   * @param acceptedToLearners whether acceptors also send {@code Accepted} straight to learners,
   *     which then learn a value one message delay sooner
   * @param maxMessageBytes the largest message a node builds: batches, catch-up replies, promises,
   *     reports and forwards that carry values or commands are cut to fit (see {@code
   *     io.paxos.core.protocol.MessageBytes}); must be within what the transport's peers accept,
   *     and hold one command of {@code maxCommandBytes} ({@link #oneCommandMessageBytes})
   * @param maxQueuedBytes the most payload bytes of commands a node holds unproposed: queued at the
   *     leader (its own and forwarded ones) or parked while no leader is known; beyond it commands
   *     are refused as overloaded. At least {@code maxCommandBytes}
   * @param maxSessions the most client sessions the replicated deduplication table keeps; a new
   *     session beyond it expires the least recently used one. Part of the replicated state's
   *     rules: every node of a cluster must use the same value
   * @throws IllegalArgumentException if a value is out of its bounds (see the canonical
   *     constructor)
   */
  public ProtocolOptions(
      long heartbeatIntervalMs,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long retransmitMs,
      int window,
      int maxBatchCommands,
      int maxBatchBytes,
      int maxCommandBytes,
      int maxSlotsPerMessage,
      int retainedSlots,
      boolean acceptedToLearners,
      int maxMessageBytes,
      long maxQueuedBytes,
      int maxSessions) {
    this(
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
        0,
        0);
  }

  /**
   * {@return whether leader leases are on ({@link #leaseDurationMs} positive): an acceptor then
   * keeps its lease promises, and a leader serves {@code Consistency.LEASE} reads from its lease}
   */
  public boolean leasesOn() {
    return leaseDurationMs > 0;
  }

  /**
   * {@return how long, on its own clock, a leader holds its lease after sending a heartbeat that a
   * phase-2 quorum acknowledged; 0 while leases are off} It is {@code floor((D - 1) * (1 - d) / (1
   * + d)) - 2} for a lease duration {@code D} and a drift bound {@code d}: an acceptor's promise
   * lasts {@code D} on its clock, at least {@code (D - 1) / (1 + d)} in true time if its clock runs
   * fastest (the 1 for millisecond rounding), and the leader's hold lasts less than {@code (hold +
   * 1) / (1 - d)} in true time if its clock runs slowest (the 1 for rounding), from an earlier
   * moment (it sent the heartbeat before any acceptor answered it); the last 1 ms is to spare. See
   * docs/leases.md.
   */
  public long leaseHoldMs() {
    return leasesOn() ? leaseHoldMs(leaseDurationMs, maxClockDrift) : 0;
  }

  private static long leaseHoldMs(long durationMs, double drift) {
    return (long) Math.floor((durationMs - 1) * (1 - drift) / (1 + drift)) - 2;
  }

  /**
   * {@return the largest encoding of a message that carries one command of {@code commandBytes}}
   *
   * @param commandBytes the command's payload size in bytes
   */
  public static long oneCommandMessageBytes(long commandBytes) {
    return commandBytes + COMMAND_OVERHEAD_BYTES + ENTRY_OVERHEAD_BYTES + MESSAGE_OVERHEAD_BYTES;
  }

  /**
   * Checks the components.
   *
   * @param heartbeatIntervalMs how often a leader sends heartbeats (and the commit point)
   * @param electionTimeoutMinMs the least time without a live leader before a proposer runs phase
   *     1; also how long an acceptor stays loyal to a leader it has heard from
   * @param electionTimeoutMaxMs the upper end of the randomized election timeout
   * @param retransmitMs how long a leader waits for votes before it sends an {@code Accept} again
   * @param window how many slots beyond the commit point a leader may have in flight (pipelining)
   * @param maxBatchCommands the most client commands batched into one slot
   * @param maxBatchBytes the most payload bytes batched into one slot
   * @param maxCommandBytes the largest single command accepted from a client
   * @param maxSlotsPerMessage the most slots carried in one {@code Accept} or catch-up reply
   * @param retainedSlots how many delivered slots a learner keeps to serve peers' catch-up
   * @param acceptedToLearners whether acceptors also send {@code Accepted} straight to learners,
   *     which then learn a value one message delay sooner
   * @param maxMessageBytes the largest message a node builds: batches, catch-up replies, promises,
   *     reports and forwards that carry values or commands are cut to fit (see {@code
   *     io.paxos.core.protocol.MessageBytes}); must be within what the transport's peers accept,
   *     and hold one command of {@code maxCommandBytes} ({@link #oneCommandMessageBytes})
   * @param maxQueuedBytes the most payload bytes of commands a node holds unproposed: queued at the
   *     leader (its own and forwarded ones) or parked while no leader is known; beyond it commands
   *     are refused as overloaded. At least {@code maxCommandBytes}
   * @param maxSessions the most client sessions the replicated deduplication table keeps; a new
   *     session beyond it expires the least recently used one. Part of the replicated state's
   *     rules: every node of a cluster must use the same value
   * @param leaseDurationMs 0 (the default) turns leader leases off; otherwise how long, on its own
   *     clock, an acceptor that acknowledged a leader's heartbeat or {@code Accept} refuses to
   *     promise any other proposer's higher ballot. The leader then serves {@code
   *     Consistency.LEASE} reads without a round trip for {@link #leaseHoldMs()} after it sent a
   *     heartbeat that a phase-2 quorum acknowledged. Must be below {@code electionTimeoutMinMs}.
   *     Cost: an acceptor that restarts refuses every other proposer's {@code Prepare} for this
   *     long (it may have granted a lease it forgot), which can delay an election by as much. See
   *     docs/leases.md
   * @param maxClockDrift the bound leases assume on how far any node's clock rate strays from true
   *     time: every clock runs at a rate within {@code [1 - maxClockDrift, 1 + maxClockDrift]}, and
   *     never jumps (a monotonic clock such as {@code System.nanoTime}, not the wall clock). In
   *     {@code [0, 0.5)}; if real clocks drift more, a leader may serve a stale LEASE read. Ignored
   *     while leases are off
   * @throws IllegalArgumentException if a component is out of the bounds given above
   */
  public ProtocolOptions {
    positive("heartbeatIntervalMs", heartbeatIntervalMs);
    positive("electionTimeoutMinMs", electionTimeoutMinMs);
    positive("retransmitMs", retransmitMs);
    positive("window", window);
    positive("maxBatchCommands", maxBatchCommands);
    positive("maxBatchBytes", maxBatchBytes);
    positive("maxCommandBytes", maxCommandBytes);
    positive("maxSlotsPerMessage", maxSlotsPerMessage);
    positive("retainedSlots", retainedSlots);
    if (electionTimeoutMaxMs < electionTimeoutMinMs) {
      throw new IllegalArgumentException(
          "electionTimeoutMaxMs "
              + electionTimeoutMaxMs
              + " is below electionTimeoutMinMs "
              + electionTimeoutMinMs);
    }
    if (electionTimeoutMinMs <= 2 * heartbeatIntervalMs) {
      throw new IllegalArgumentException(
          "electionTimeoutMinMs "
              + electionTimeoutMinMs
              + " must exceed two heartbeat intervals ("
              + 2 * heartbeatIntervalMs
              + " ms), or followers depose healthy leaders");
    }
    if (maxCommandBytes > maxBatchBytes) {
      throw new IllegalArgumentException(
          "maxCommandBytes " + maxCommandBytes + " exceeds maxBatchBytes " + maxBatchBytes);
    }
    positive("maxMessageBytes", maxMessageBytes);
    positive("maxQueuedBytes", maxQueuedBytes);
    positive("maxSessions", maxSessions);
    if (oneCommandMessageBytes(maxCommandBytes) > maxMessageBytes) {
      throw new IllegalArgumentException(
          "maxMessageBytes "
              + maxMessageBytes
              + " cannot carry one command of maxCommandBytes "
              + maxCommandBytes
              + " ("
              + oneCommandMessageBytes(maxCommandBytes)
              + " bytes with its framing); raise maxMessageBytes or lower maxCommandBytes");
    }
    leases(leaseDurationMs, maxClockDrift, electionTimeoutMinMs);
    if (maxQueuedBytes < maxCommandBytes) {
      throw new IllegalArgumentException(
          "maxQueuedBytes "
              + maxQueuedBytes
              + " is below maxCommandBytes "
              + maxCommandBytes
              + ": a command of the largest size could never be queued");
    }
  }

  private static void leases(long durationMs, double drift, long electionTimeoutMinMs) {
    if (!(drift >= 0 && drift < 0.5)) {
      throw new IllegalArgumentException("maxClockDrift must be in [0, 0.5), was " + drift);
    }
    if (durationMs < 0) {
      throw new IllegalArgumentException(
          "leaseDurationMs must not be negative (0 turns leases off), was " + durationMs);
    }
    if (durationMs == 0) {
      return;
    }
    if (durationMs >= electionTimeoutMinMs) {
      throw new IllegalArgumentException(
          "leaseDurationMs "
              + durationMs
              + " must be below electionTimeoutMinMs "
              + electionTimeoutMinMs
              + ", or a crashed leader's lease would hold up elections longer than a timeout");
    }
    if (leaseHoldMs(durationMs, drift) < 1) {
      throw new IllegalArgumentException(
          "leaseDurationMs "
              + durationMs
              + " leaves the leader no time to hold its lease with maxClockDrift "
              + drift
              + " (it holds floor((D - 1) * (1 - d) / (1 + d)) - 2 ms); lengthen it");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  /**
   * {@return values that suit a LAN or one machine} Heartbeats every 50 ms, election timeouts of
   * 300 to 600 ms, leases off.
   */
  public static ProtocolOptions defaults() {
    return new ProtocolOptions(
        50,
        300,
        600,
        200,
        256,
        4096,
        1 << 20,
        1 << 20,
        256,
        8192,
        false,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_MAX_QUEUED_BYTES,
        DEFAULT_MAX_SESSIONS,
        0,
        0);
  }

  /** {@return a builder starting from these options} */
  public ProtocolOptionsBuilder toBuilder() {
    return new ProtocolOptionsBuilder(this);
  }

  /**
   * {@return these options with {@link #window()} set to {@code window}}
   *
   * @param window how many slots beyond the commit point a leader may have in flight (pipelining)
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withWindow(int window) {
    return toBuilder().window(window).build();
  }

  /**
   * {@return these options with {@link #maxBatchCommands()} set to {@code maxBatchCommands}}
   *
   * @param maxBatchCommands the most client commands batched into one slot
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withMaxBatchCommands(int maxBatchCommands) {
    return toBuilder().maxBatchCommands(maxBatchCommands).build();
  }

  /**
   * {@return these options with {@link #acceptedToLearners()} set to {@code acceptedToLearners}}
   *
   * @param acceptedToLearners whether acceptors also send {@code Accepted} straight to learners,
   *     which then learn a value one message delay sooner
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withAcceptedToLearners(boolean acceptedToLearners) {
    return toBuilder().acceptedToLearners(acceptedToLearners).build();
  }

  /**
   * {@return these options with {@link #retainedSlots()} set to {@code retainedSlots}}
   *
   * @param retainedSlots how many delivered slots a learner keeps to serve peers' catch-up
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withRetainedSlots(int retainedSlots) {
    return toBuilder().retainedSlots(retainedSlots).build();
  }

  /**
   * {@return these options with {@link #maxCommandBytes()} set to {@code maxCommandBytes}}
   *
   * @param maxCommandBytes the largest single command accepted from a client
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withMaxCommandBytes(int maxCommandBytes) {
    return toBuilder().maxCommandBytes(maxCommandBytes).build();
  }

  /**
   * {@return these options with leader leases of {@code durationMs} (0 turns them off) assuming
   * clocks drift by at most {@code maxClockDrift}} See {@link #leaseDurationMs} and {@link
   * #maxClockDrift}.
   *
   * @param durationMs the lease duration in milliseconds; 0, or positive and below {@link
   *     #electionTimeoutMinMs()}
   * @param maxClockDrift the largest clock rate drift, in {@code [0, 0.5)}
   * @throws IllegalArgumentException if either is out of bounds, or leaves the leader no time to
   *     hold its lease
   */
  public ProtocolOptions withLease(long durationMs, double maxClockDrift) {
    return toBuilder().lease(durationMs, maxClockDrift).build();
  }

  /**
   * {@return these options with the given timings, in milliseconds}
   *
   * @param heartbeatIntervalMs how often a leader sends heartbeats (and the commit point)
   * @param electionTimeoutMinMs the least time without a live leader before a proposer runs phase
   *     1; also how long an acceptor stays loyal to a leader it has heard from
   * @param electionTimeoutMaxMs the upper end of the randomized election timeout
   * @param retransmitMs how long a leader waits for votes before it sends an {@code Accept} again
   * @throws IllegalArgumentException if the result is out of bounds (see the canonical constructor)
   */
  public ProtocolOptions withTimings(
      long heartbeatIntervalMs,
      long electionTimeoutMinMs,
      long electionTimeoutMaxMs,
      long retransmitMs) {
    return toBuilder()
        .heartbeatIntervalMs(heartbeatIntervalMs)
        .electionTimeoutMs(electionTimeoutMinMs, electionTimeoutMaxMs)
        .retransmitMs(retransmitMs)
        .build();
  }
}
