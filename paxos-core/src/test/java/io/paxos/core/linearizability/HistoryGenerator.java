package io.paxos.core.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Generates linearizable histories from a seed: one atomic map applies every operation at its
 * linearization point, in virtual time, and each operation's recorded interval is drawn at random
 * around that point (so operations of different processes overlap), without overlapping its
 * process's previous one. Some operations fail (not applied, recorded {@code fail}), some end with
 * an unknown outcome (applied or not, recorded {@code info}; the process then retires and a fresh
 * process id takes its place, as in Jepsen). Every written value is unique. Not thread-safe.
 */
final class HistoryGenerator {
  private final SplittableRandom random;
  private final int keys;
  private final int maxOverlap;
  private final double failRate;
  private final double infoRate;
  private final Map<String, String> map = new HashMap<>();
  private final List<long[]> order = new ArrayList<>();
  private final List<HistoryEvent> events = new ArrayList<>();
  private long written;

  /**
   * @param maxOverlap how far, in virtual time, an interval may reach on each side of its
   *     linearization point
   */
  HistoryGenerator(long seed, int keys, int maxOverlap, double failRate, double infoRate) {
    this.random = new SplittableRandom(seed);
    this.keys = keys;
    this.maxOverlap = maxOverlap;
    this.failRate = failRate;
    this.infoRate = infoRate;
  }

  /** A linearizable history of {@code opsPerProcess} operations by each of {@code processes}. */
  List<HistoryEvent> generate(int processes, int opsPerProcess) {
    long[] pid = new long[processes];
    long[] busyUntil = new long[processes];
    int[] left = new int[processes];
    for (int s = 0; s < processes; s++) {
      pid[s] = s;
      busyUntil[s] = -1;
      left[s] = opsPerProcess;
    }
    long remaining = (long) processes * opsPerProcess;
    long t = 0;
    while (remaining > 0) {
      t += 1 + random.nextInt(3);
      int s = random.nextInt(processes);
      if (left[s] == 0 || busyUntil[s] >= t) {
        continue;
      }
      long call = Math.max(busyUntil[s] + 1, t - random.nextInt(maxOverlap + 1));
      long ret = t + random.nextInt(maxOverlap + 1);
      boolean info = operation(pid[s], call, ret);
      busyUntil[s] = ret;
      left[s]--;
      remaining--;
      if (info) {
        pid[s] += processes;
      }
    }
    // Sort by time; an operation's invocation precedes its completion on ties.
    List<HistoryEvent> sorted = new ArrayList<>(events.size());
    order.sort(Comparator.<long[]>comparingLong(o -> o[0]).thenComparingLong(o -> o[1]));
    for (long[] o : order) {
      sorted.add(events.get((int) o[1]));
    }
    return sorted;
  }

  /** Applies one operation at its linearization point; returns whether its outcome is unknown. */
  private boolean operation(long process, long call, long ret) {
    String key = "k" + random.nextInt(keys);
    String current = map.get(key);
    int kind = random.nextInt(10);
    boolean fails = random.nextDouble() < failRate;
    boolean info = !fails && random.nextDouble() < infoRate;
    boolean applied = !fails && (!info || random.nextBoolean());
    HistoryEvent invoke;
    HistoryEvent completion;
    if (kind < 4) {
      invoke = HistoryEvent.invokeGet(process, key);
      completion =
          fails
              ? invoke.fail()
              : info ? invoke.info() : invoke.okRead(Optional.ofNullable(current));
    } else {
      String value = "p" + process + "-" + written++;
      if (kind < 7) {
        invoke = HistoryEvent.invokePut(process, key, value);
        if (applied) {
          map.put(key, value);
        }
      } else if (kind < 8) {
        invoke = HistoryEvent.invokeDelete(process, key);
        if (applied) {
          map.remove(key);
        }
      } else {
        Optional<String> expected =
            random.nextInt(4) == 0 ? Optional.of("p0-0") : Optional.ofNullable(current);
        invoke = HistoryEvent.invokeCas(process, key, expected, value);
        if (!expected.equals(Optional.ofNullable(current))) {
          fails = true;
          info = false;
          applied = false;
        } else if (applied) {
          map.put(key, value);
        }
      }
      completion = fails ? invoke.fail() : info ? invoke.info() : invoke.ok();
    }
    add(invoke.at(call));
    add(completion.at(ret));
    return info;
  }

  private void add(HistoryEvent event) {
    order.add(new long[] {event.timeNs(), events.size()});
    events.add(event);
  }
}
