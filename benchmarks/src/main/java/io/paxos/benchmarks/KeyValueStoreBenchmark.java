package io.paxos.benchmarks;

import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The example store's apply path on W1's writes: {@link KeyValueStore#applyWithoutResult} of a PUT
 * of a 100-byte value at a 16-byte key uniform over {@link Workload#KEYS}, built as {@link
 * Workload#put} builds it, on a store already holding every key. The commands are prepared in
 * advance and replayed in turn, so the time is the store's: lookup, value copy and the reclaiming
 * of overwritten values, amortized.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar KeyValueStoreBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseG1GC"})
public class KeyValueStoreBenchmark {
  /** Prepared commands: a power of two, large enough that their keys are spread over the store. */
  static final int COMMANDS = 1 << 18;

  private byte[][] commands;
  private KeyValueStore store;
  private int next;

  @Setup
  public void build() {
    commands = commands(new SplittableRandom(1), COMMANDS);
    store = filledStore();
    next = 0;
  }

  /** {@code n} W1 writes from {@code random}. */
  static byte[][] commands(SplittableRandom random, int n) {
    byte[] value = new byte[100];
    random.nextBytes(value);
    byte[][] commands = new byte[n][];
    for (int i = 0; i < n; i++) {
      commands[i] = Workload.put(random, value);
    }
    return commands;
  }

  /** A store holding a 100-byte value at every W1 key. */
  static KeyValueStore filledStore() {
    KeyValueStore store = new KeyValueStore();
    byte[] value = new byte[100];
    new SplittableRandom(2).nextBytes(value);
    for (int i = 0; i < Workload.KEYS; i++) {
      store.applyWithoutResult(KvCommand.put(Workload.key(i), value).encode());
    }
    return store;
  }

  @Benchmark
  public void applyWithoutResult() {
    store.applyWithoutResult(commands[next]);
    next = (next + 1) & (COMMANDS - 1);
  }

  /** The store, for tests. */
  KeyValueStore store() {
    return store;
  }
}
