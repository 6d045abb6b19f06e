package io.paxos.core.sim;

import io.paxos.core.protocol.PeerMessage;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated network: every message between two nodes gets a seeded random delay (so messages
 * reorder), and may be dropped, duplicated, or cut by a partition. A node's messages to itself are
 * delivered reliably, after the current step. Partitions are checked when a message is sent. A
 * message that arrives while its receiver is down is lost; one that arrives after the receiver
 * restarted reaches the new incarnation (as a datagram would). Not thread-safe.
 */
final class SimNetwork {
  private final SplittableRandom random;
  private final EventQueue queue;
  private final int[] group;
  private final boolean[] mute;
  private final boolean[] deaf;
  private double dropRate;
  private final double duplicateRate;
  private final long minDelay;
  private long maxDelay;
  long sent;
  long dropped;
  long duplicated;

  SimNetwork(SplittableRandom random, EventQueue queue, int maxId, Faults faults) {
    this.random = random;
    this.queue = queue;
    this.group = new int[maxId + 1];
    this.mute = new boolean[maxId + 1];
    this.deaf = new boolean[maxId + 1];
    this.dropRate = faults.dropRate();
    this.duplicateRate = faults.duplicateRate();
    this.minDelay = faults.minDelayMs();
    this.maxDelay = faults.maxDelayMs();
  }

  void send(long now, int from, int to, PeerMessage message) {
    sent++;
    if (from == to) {
      queue.deliver(now, from, to, message);
      return;
    }
    if (!connected(from, to) || (dropRate > 0 && random.nextDouble() < dropRate)) {
      dropped++;
      return;
    }
    queue.deliver(now + delay(), from, to, message);
    if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
      duplicated++;
      queue.deliver(now + delay(), from, to, message);
    }
  }

  private long delay() {
    return minDelay + random.nextLong(maxDelay - minDelay + 1);
  }

  boolean connected(int from, int to) {
    return group[from] == group[to] && !mute[from] && !deaf[to];
  }

  /** Nodes with different group numbers cannot talk; {@code groups} is indexed by node id. */
  void partition(int[] groups) {
    System.arraycopy(groups, 0, group, 0, group.length);
  }

  /** Messages from {@code node} to others are lost (one-way partition). */
  void mute(int node) {
    mute[node] = true;
  }

  /** Messages from others to {@code node} are lost (one-way partition). */
  void deafen(int node) {
    deaf[node] = true;
  }

  /** End every partition. */
  void heal() {
    Arrays.fill(group, 0);
    Arrays.fill(mute, false);
    Arrays.fill(deaf, false);
  }

  /**
   * The network is healthy again: no more random drops (partitions are separate), and no delay
   * above {@code maxDelayMs} (liveness needs delays below the protocol's timeouts).
   */
  void calm(long maxDelayMs) {
    dropRate = 0;
    maxDelay = Math.max(minDelay, Math.min(maxDelay, maxDelayMs));
  }
}
