package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmarked commands are W1's writes and they change the store's state. */
class KeyValueStoreBenchmarkTest {

  @Test
  void theCommandsAreW1PutsOfA16ByteKeyAndA100ByteValue() {
    byte[][] commands = KeyValueStoreBenchmark.commands(new SplittableRandom(1), 100);
    for (byte[] command : commands) {
      KvCommand.Put put = (KvCommand.Put) KvCommand.decode(command);
      assertThat(put.key()).hasSize(16);
      assertThat(put.value()).hasSize(100);
    }
  }

  @Test
  void eachCallAppliesTheNextWrite() {
    KeyValueStoreBenchmark benchmark = new KeyValueStoreBenchmark();
    benchmark.build();
    assertThat(benchmark.store().size()).isEqualTo(Workload.KEYS);
    String before = benchmark.store().stateHash();
    benchmark.applyWithoutResult();
    assertThat(benchmark.store().stateHash()).isNotEqualTo(before);
    byte[] first = KeyValueStoreBenchmark.commands(new SplittableRandom(1), 1)[0];
    String key = KvCommand.decode(first).key();
    assertThat(KvResult.decode(benchmark.store().query(KvCommand.get(key).encode())))
        .isEqualTo(new KvResult.Found(((KvCommand.Put) KvCommand.decode(first)).value()));
  }
}
