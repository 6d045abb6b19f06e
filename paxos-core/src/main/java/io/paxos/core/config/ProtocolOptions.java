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
    boolean acceptedToLearners) {

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
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  /** Values that suit a LAN or one machine. */
  public static ProtocolOptions defaults() {
    return new ProtocolOptions(50, 300, 600, 200, 256, 4096, 1 << 20, 1 << 20, 256, 8192, false);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public ProtocolOptions withWindow(int window) {
    return toBuilder().window(window).build();
  }

  public ProtocolOptions withMaxBatchCommands(int maxBatchCommands) {
    return toBuilder().maxBatchCommands(maxBatchCommands).build();
  }

  public ProtocolOptions withAcceptedToLearners(boolean acceptedToLearners) {
    return toBuilder().acceptedToLearners(acceptedToLearners).build();
  }

  public ProtocolOptions withRetainedSlots(int retainedSlots) {
    return toBuilder().retainedSlots(retainedSlots).build();
  }

  public ProtocolOptions withMaxCommandBytes(int maxCommandBytes) {
    return toBuilder().maxCommandBytes(maxCommandBytes).build();
  }

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

  /** Changes some options; {@link #build()} validates the result. Not thread-safe. */
  public static final class Builder {
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

    private Builder(ProtocolOptions o) {
      heartbeatIntervalMs = o.heartbeatIntervalMs;
      electionTimeoutMinMs = o.electionTimeoutMinMs;
      electionTimeoutMaxMs = o.electionTimeoutMaxMs;
      retransmitMs = o.retransmitMs;
      window = o.window;
      maxBatchCommands = o.maxBatchCommands;
      maxBatchBytes = o.maxBatchBytes;
      maxCommandBytes = o.maxCommandBytes;
      maxSlotsPerMessage = o.maxSlotsPerMessage;
      retainedSlots = o.retainedSlots;
      acceptedToLearners = o.acceptedToLearners;
    }

    public Builder heartbeatIntervalMs(long ms) {
      heartbeatIntervalMs = ms;
      return this;
    }

    public Builder electionTimeoutMs(long minMs, long maxMs) {
      electionTimeoutMinMs = minMs;
      electionTimeoutMaxMs = maxMs;
      return this;
    }

    public Builder retransmitMs(long ms) {
      retransmitMs = ms;
      return this;
    }

    public Builder window(int slots) {
      window = slots;
      return this;
    }

    public Builder maxBatchCommands(int commands) {
      maxBatchCommands = commands;
      return this;
    }

    public Builder maxBatchBytes(int bytes) {
      maxBatchBytes = bytes;
      return this;
    }

    public Builder maxCommandBytes(int bytes) {
      maxCommandBytes = bytes;
      return this;
    }

    public Builder maxSlotsPerMessage(int slots) {
      maxSlotsPerMessage = slots;
      return this;
    }

    public Builder retainedSlots(int slots) {
      retainedSlots = slots;
      return this;
    }

    public Builder acceptedToLearners(boolean on) {
      acceptedToLearners = on;
      return this;
    }

    /** The options, validated. */
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
          acceptedToLearners);
    }
  }
}
