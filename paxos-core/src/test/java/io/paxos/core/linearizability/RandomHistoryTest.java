package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.linearizability.HistoryEvent.Fn;
import io.paxos.core.linearizability.HistoryEvent.Type;
import io.paxos.core.linearizability.Verdict.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Histories of real linearizable executions pass, and each stops passing when one read is changed.
 */
class RandomHistoryTest {
  private static final int SEEDS = 40;

  @ParameterizedTest(name = "seeds {0}..+" + SEEDS)
  @ValueSource(longs = {1})
  void seededHistoriesPassAndFailOnceOneReadIsChanged(long firstSeed) {
    for (long seed = firstSeed; seed < firstSeed + SEEDS; seed++) {
      // Odd seeds: 3 keys, 5 processes, short overlaps; even seeds: one hot key, 8 processes,
      // wide overlaps, so the search must backtrack.
      List<HistoryEvent> history =
          seed % 2 == 1
              ? new HistoryGenerator(seed, 3, 20, 0.05, 0.03).generate(5, 100)
              : new HistoryGenerator(seed, 1, 60, 0.05, 0.03).generate(8, 100);
      Verdict good = new LinearizabilityChecker().check(history);
      assertThat(good.outcome())
          .as("seed %d: %s", seed, good.describe())
          .isEqualTo(Outcome.LINEARIZABLE);

      SplittableRandom random = new SplittableRandom(seed);
      Mutation future = readFromTheFuture(history, random);
      Verdict bad = new LinearizabilityChecker().check(future.history());
      assertThat(bad.outcome())
          .as("seed %d, read at event #%d now sees a value written later", seed, future.index())
          .isEqualTo(Outcome.NOT_LINEARIZABLE);
      assertThat(bad.firstKey(Outcome.NOT_LINEARIZABLE).orElseThrow().key())
          .isEqualTo(history.get(future.index()).key());

      Mutation ghost = readOfAGhost(history, random);
      Verdict ghostly = new LinearizabilityChecker().check(ghost.history());
      assertThat(ghostly.outcome())
          .as("seed %d, read at event #%d now sees a value never written", seed, ghost.index())
          .isEqualTo(Outcome.NOT_LINEARIZABLE);
    }
  }

  @Test
  void aLargeValidHistoryIsCheckedWithinTheBudget() {
    // 10 keys, 10 processes, 2,000 operations each, with failures and unknown outcomes.
    List<HistoryEvent> history =
        new HistoryGenerator(20_261_207L, 10, 30, 0.01, 0.005).generate(10, 2000);
    long start = System.nanoTime();
    Verdict verdict = new LinearizabilityChecker().check(history);
    long millis = (System.nanoTime() - start) / 1_000_000;
    long states = verdict.keys().stream().mapToLong(Verdict.KeyVerdict::states).sum();
    System.out.printf(
        "large history: %d events, %d operations checked, %d states, %d ms%n",
        history.size(), verdict.operations(), states, millis);
    assertThat(verdict.outcome()).as(verdict.describe()).isEqualTo(Outcome.LINEARIZABLE);
    assertThat(verdict.keys()).hasSize(10);
  }

  @Test
  void aConcurrentMapUsedByThreadsLeavesALinearizableHistory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.jsonl");
    ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (HistoryWriter writer = HistoryWriter.toFile(file)) {
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < threads; p++) {
        long process = p;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  clientOfAMap(process, map, writer, new SplittableRandom(process));
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      List<HistoryEvent> recorded = writer.events();
      assertThat(HistoryReader.read(file)).isEqualTo(recorded);
      Verdict verdict = new LinearizabilityChecker().check(recorded);
      assertThat(verdict.outcome()).as(verdict.describe()).isEqualTo(Outcome.LINEARIZABLE);
      assertThat(verdict.operations()).isEqualTo(threads * 500 - failedCas(recorded));
    } finally {
      pool.shutdownNow();
    }
  }

  private static void clientOfAMap(
      long process, ConcurrentHashMap<String, String> map, HistoryWriter writer, SplittableRandom r)
      throws IOException {
    Optional<String> lastRead = Optional.empty();
    for (int i = 0; i < 500; i++) {
      String key = "k" + r.nextInt(3);
      String value = "p" + process + "-" + i;
      switch (r.nextInt(4)) {
        case 0 -> {
          HistoryEvent get = writer.record(HistoryEvent.invokeGet(process, key));
          lastRead = Optional.ofNullable(map.get(key));
          writer.record(get.okRead(lastRead));
        }
        case 1 -> {
          HistoryEvent put = writer.record(HistoryEvent.invokePut(process, key, value));
          map.put(key, value);
          writer.record(put.ok());
        }
        case 2 -> {
          HistoryEvent delete = writer.record(HistoryEvent.invokeDelete(process, key));
          map.remove(key);
          writer.record(delete.ok());
        }
        default -> {
          HistoryEvent cas = writer.record(HistoryEvent.invokeCas(process, key, lastRead, value));
          boolean swapped =
              lastRead.isEmpty()
                  ? map.putIfAbsent(key, value) == null
                  : map.replace(key, lastRead.get(), value);
          writer.record(swapped ? cas.ok() : cas.fail());
        }
      }
    }
  }

  private static long failedCas(List<HistoryEvent> history) {
    return history.stream().filter(e -> e.type() == Type.FAIL).count();
  }

  /** A history with one event replaced, and that event's index. */
  private record Mutation(List<HistoryEvent> history, int index) {}

  /** One successful read now returns a value whose write was invoked only after the read ended. */
  private static Mutation readFromTheFuture(List<HistoryEvent> history, SplittableRandom random) {
    List<int[]> candidates = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      HistoryEvent read = history.get(i);
      if (read.f() != Fn.GET || read.type() != Type.OK) {
        continue;
      }
      for (int j = i + 1; j < history.size(); j++) {
        HistoryEvent write = history.get(j);
        if (write.type() == Type.INVOKE
            && write.key().equals(read.key())
            && write.value().isPresent()
            && write.timeNs() > read.timeNs()) {
          candidates.add(new int[] {i, j});
          break;
        }
      }
    }
    assertThat(candidates).isNotEmpty();
    int[] pick = candidates.get(random.nextInt(candidates.size()));
    return replaceRead(history, pick[0], history.get(pick[1]).value());
  }

  /** One successful read now returns a value nobody wrote. */
  private static Mutation readOfAGhost(List<HistoryEvent> history, SplittableRandom random) {
    List<Integer> reads = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).f() == Fn.GET && history.get(i).type() == Type.OK) {
        reads.add(i);
      }
    }
    return replaceRead(history, reads.get(random.nextInt(reads.size())), Optional.of("ghost"));
  }

  private static Mutation replaceRead(List<HistoryEvent> history, int i, Optional<String> value) {
    HistoryEvent e = history.get(i);
    List<HistoryEvent> mutated = new ArrayList<>(history);
    mutated.set(
        i,
        new HistoryEvent(e.process(), e.type(), e.f(), e.key(), value, e.expected(), e.timeNs()));
    return new Mutation(mutated, i);
  }
}
