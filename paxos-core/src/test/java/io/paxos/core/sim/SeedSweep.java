package io.paxos.core.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Runs the simulator over seeds and sums what the runs did; a failing seed is reported with the
 * command that replays it. The seeds come from system properties: {@code -Dpaxos.sim.seed=S} runs
 * only seed S; otherwise {@code countProperty} seeds (default {@code defaultCount}) from {@code
 * -Dpaxos.sim.firstSeed=F} (default 1). Not thread-safe.
 */
final class SeedSweep {
  private static final int MAX_REPORTED = 10;

  final List<String> failures = new ArrayList<>();
  long seeds;
  long steps;
  long crashes;
  long wipes;
  long pauses;
  long midSyncCrashes;
  long survivingWrites;
  long lostWrites;
  long partitions;
  long leaderships;
  long dropped;
  long requests;
  long replacements;
  long sessionRetries;
  long slowestHeal;
  long snapshots;
  long installs;
  long readsChecked;
  long membershipChanges;

  long kvOperations;
  long kvWrites;
  long kvLinearizableReads;
  long kvLeaseReads;
  long kvSequentialReads;
  long kvStaleReads;
  long kvFailed;
  long kvUnknown;
  long kvCheckedEvents;
  long kvHistories;

  /** Seeds in which an acceptor on a node without a learner compacted. */
  long compactingWithoutLearner;

  private double wallSeconds;
  private double cpuSeconds;

  /** The seeds to run, by the system properties. */
  static List<Long> seeds(String countProperty, int defaultCount) {
    String only = System.getProperty("paxos.sim.seed");
    List<Long> seeds = new ArrayList<>();
    if (only != null && !only.isBlank()) {
      seeds.add(Long.parseLong(only.trim()));
    } else {
      int count = Integer.getInteger(countProperty, defaultCount);
      long first = Long.getLong("paxos.sim.firstSeed", 1L);
      for (long s = first; s < first + count; s++) {
        seeds.add(s);
      }
    }
    return seeds;
  }

  /**
   * Run {@code options} of every seed; a failure is reported with {@code replay} of its seed and
   * label, and after {@value #MAX_REPORTED} failures the sweep stops.
   */
  SeedSweep run(List<Long> seedList, LongFunction<SimOptions> options, Replay replay) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long started = System.nanoTime();
    long progress = Long.getLong("paxos.sim.progress", 0L); // print a line every N seeds
    for (long seed : seedList) {
      seeds++;
      if (progress > 0 && seeds % progress == 0) {
        System.out.printf(
            "%d seeds (to %d), %d key-value operations, %d failed so far%n",
            seeds, seed, kvOperations, failures.size());
      }
      try {
        add(Simulation.run(options.apply(seed)));
      } catch (SimulationFailure f) {
        failures.add(f.getMessage() + "\n  replay: " + replay.command(f.seed(), f.label()) + "\n");
        if (failures.size() >= MAX_REPORTED) {
          break;
        }
      }
    }
    wallSeconds = (System.nanoTime() - started) / 1e9;
    cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    return this;
  }

  /** The command that replays one seed. */
  @FunctionalInterface
  interface Replay {
    String command(long seed, String label);
  }

  private void add(SimResult r) {
    steps += r.steps();
    crashes += r.crashes();
    wipes += r.wipes();
    pauses += r.pauses();
    midSyncCrashes += r.midSyncCrashes();
    survivingWrites += r.survivingWrites();
    lostWrites += r.lostWrites();
    partitions += r.partitions();
    leaderships += r.leaderships();
    dropped += r.dropped();
    requests += r.requests();
    replacements += r.replacements();
    sessionRetries += r.sessionRetries();
    snapshots += r.snapshots();
    installs += r.installs();
    readsChecked += r.readsChecked();
    membershipChanges += r.membershipChanges();
    compactingWithoutLearner += r.compactedWithoutLearner() > 0 ? 1 : 0;
    slowestHeal = Math.max(slowestHeal, r.endTimeMs() - r.healedAtMs());
    KvCounts kv = r.kv();
    kvOperations += kv.operations();
    kvWrites += kv.writes();
    kvLinearizableReads += kv.linearizableReads();
    kvLeaseReads += kv.leaseReads();
    kvSequentialReads += kv.sequentialReads();
    kvStaleReads += kv.staleReads();
    kvFailed += kv.failed();
    kvUnknown += kv.unknown();
    kvCheckedEvents += kv.checkedEvents();
    kvHistories += kv.operations() > 0 ? 1 : 0;
  }

  /** Print the totals and the speed (per second of wall time and of this thread's CPU time). */
  void print(String what) {
    System.out.printf(
        "%s: simulated %d seeds (%d steps) in %.1f s: %.1f seeds/s (%.1f s CPU: %.1f seeds per CPU"
            + " second)%n",
        what, seeds, steps, wallSeconds, seeds / wallSeconds, cpuSeconds, seeds / cpuSeconds);
    System.out.printf(
        "  faults: %d crashes (%d in a group commit: %d unsynced writes survived, %d lost), %d"
            + " partitions, %d messages dropped; %d leaderships; %d requests acknowledged, %d"
            + " commands replaced, %d session commands retried; at most %d simulated ms from heal"
            + " to all done%n",
        crashes,
        midSyncCrashes,
        survivingWrites,
        lostWrites,
        partitions,
        dropped,
        leaderships,
        requests,
        replacements,
        sessionRetries,
        slowestHeal);
    System.out.printf(
        "  snapshots: %d taken, %d installed from a peer; acceptors without a learner compacted in"
            + " %d seeds; %d nodes wiped, %d paused%n",
        snapshots, installs, compactingWithoutLearner, wipes, pauses);
    if (kvHistories > 0) {
      System.out.printf(
          "  key-value: %d histories checked, %d operations (%d writes applied, %d of them a cas"
              + " that did not hold; %d unknown; reads: %d linearizable, %d lease, %d sequential, %d stale), %d events"
              + " in the linearizability checks; %d seeds failed%n",
          kvHistories,
          kvOperations,
          kvWrites,
          kvFailed,
          kvUnknown,
          kvLinearizableReads,
          kvLeaseReads,
          kvSequentialReads,
          kvStaleReads,
          kvCheckedEvents,
          failures.size());
    }
    if (readsChecked > 0) {
      System.out.printf("  reads: %d answered with a read index, each checked%n", readsChecked);
    }
  }
}
