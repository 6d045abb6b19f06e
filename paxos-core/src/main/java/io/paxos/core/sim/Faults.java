package io.paxos.core.sim;

import java.util.Objects;

/**
 * The fault model of one simulation, active from time 0 until the workload ends; then every fault
 * heals (partitions end, crashed nodes restart, no more drops, delays at most half a heartbeat
 * interval; duplicates and reordering go on) and liveness is checked.
 *
 * @param dropRate probability that a message between two nodes is lost
 * @param duplicateRate probability that a delivered message arrives a second time
 * @param minDelayMs the least network delay between two nodes
 * @param maxDelayMs the largest network delay; delays are uniform in between, so messages reorder
 * @param partitions how many partition episodes (a set of nodes cut off, healed later) to schedule
 * @param crashes how many crash episodes (a node stops, losing unsynced writes, and restarts later)
 * @param midSendCrashRate the share of crashes that happen while a node sends an outbox: after its
 *     sync, with only some of the outbox's messages sent
 * @param midSyncCrashRate the share of crashes that happen in the middle of a group commit: the
 *     node's next step that has something to persist writes it, and crashes before its sync
 *     returns, with no message sent; {@code storageCrash} decides what of the writes survives
 * @param maxEpisodeMs the longest a partition lasts or a crashed node stays down
 * @param storageCrash what a crash leaves of the writes a node made since its last sync
 * @param wipes how many wipe episodes (a node stops, loses its whole storage, snapshots included,
 *     and restarts later on an empty one, as after a disk replacement); the simulator wipes only
 *     nodes whose loss leaves a quorum of acceptors, a proposer and a majority of the learners
 *     among the nodes never wiped
 * @param pauses how many pause episodes: a node stops handling anything for up to {@code
 *     maxEpisodeMs}, keeping its state (a {@code SIGSTOP}, a long garbage-collection pause); what
 *     reaches it meanwhile (messages, its timer, client requests) waits, and when it resumes it
 *     handles that backlog in an order shuffled over a few milliseconds, as a process whose
 *     connections and timers all become ready at once does. A paused leader may so answer a client
 *     before it learns that it was deposed. A paused node that crashes loses its backlog with its
 *     buffers.
 */
public record Faults(
    double dropRate,
    double duplicateRate,
    long minDelayMs,
    long maxDelayMs,
    int partitions,
    int crashes,
    double midSendCrashRate,
    double midSyncCrashRate,
    long maxEpisodeMs,
    StorageCrash storageCrash,
    int wipes,
    int pauses) {

  /** No faults at all; a delay of 1 to 5 ms. */
  public static final Faults NONE = new Faults(0, 0, 1, 5, 0, 0, 0, 0, 1, StorageCrash.KEEP_PREFIX);

  public Faults {
    rate("dropRate", dropRate);
    rate("duplicateRate", duplicateRate);
    rate("midSendCrashRate", midSendCrashRate);
    rate("midSyncCrashRate", midSyncCrashRate);
    if (midSendCrashRate + midSyncCrashRate > 1) {
      throw new IllegalArgumentException(
          "midSendCrashRate + midSyncCrashRate are shares of the crashes; their sum must be at"
              + " most 1, was "
              + (midSendCrashRate + midSyncCrashRate));
    }
    Objects.requireNonNull(storageCrash, "storageCrash");
    if (dropRate >= 1) {
      throw new IllegalArgumentException("dropRate must be below 1, or nothing is ever delivered");
    }
    if (minDelayMs < 0 || maxDelayMs < minDelayMs) {
      throw new IllegalArgumentException(
          "need 0 <= minDelayMs <= maxDelayMs, got " + minDelayMs + " and " + maxDelayMs);
    }
    if (partitions < 0 || crashes < 0 || wipes < 0 || pauses < 0 || maxEpisodeMs < 1) {
      throw new IllegalArgumentException(
          "partitions, crashes, wipes and pauses must not be negative and maxEpisodeMs must be"
              + " positive");
    }
  }

  /** Faults without wipes. */
  public Faults(
      double dropRate,
      double duplicateRate,
      long minDelayMs,
      long maxDelayMs,
      int partitions,
      int crashes,
      double midSendCrashRate,
      double midSyncCrashRate,
      long maxEpisodeMs,
      StorageCrash storageCrash) {
    this(
        dropRate,
        duplicateRate,
        minDelayMs,
        maxDelayMs,
        partitions,
        crashes,
        midSendCrashRate,
        midSyncCrashRate,
        maxEpisodeMs,
        storageCrash,
        0,
        0);
  }

  /** Faults without pauses. */
  public Faults(
      double dropRate,
      double duplicateRate,
      long minDelayMs,
      long maxDelayMs,
      int partitions,
      int crashes,
      double midSendCrashRate,
      double midSyncCrashRate,
      long maxEpisodeMs,
      StorageCrash storageCrash,
      int wipes) {
    this(
        dropRate,
        duplicateRate,
        minDelayMs,
        maxDelayMs,
        partitions,
        crashes,
        midSendCrashRate,
        midSyncCrashRate,
        maxEpisodeMs,
        storageCrash,
        wipes,
        0);
  }

  /** These faults with {@code wipes} wipe episodes. */
  public Faults withWipes(int wipes) {
    return new Faults(
        dropRate,
        duplicateRate,
        minDelayMs,
        maxDelayMs,
        partitions,
        crashes,
        midSendCrashRate,
        midSyncCrashRate,
        maxEpisodeMs,
        storageCrash,
        wipes,
        pauses);
  }

  /** These faults with {@code pauses} pause episodes. */
  public Faults withPauses(int pauses) {
    return new Faults(
        dropRate,
        duplicateRate,
        minDelayMs,
        maxDelayMs,
        partitions,
        crashes,
        midSendCrashRate,
        midSyncCrashRate,
        maxEpisodeMs,
        storageCrash,
        wipes,
        pauses);
  }

  private static void rate(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
    }
  }
}
