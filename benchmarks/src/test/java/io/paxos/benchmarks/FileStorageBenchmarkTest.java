package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The benchmark does the work it claims, and leaves no files behind. */
class FileStorageBenchmarkTest {

  @Test
  void bothBenchmarksWriteWhatTheyCountAndCleanUp() throws IOException {
    FileStorageBenchmark params = new FileStorageBenchmark();
    params.recordBytes = 100;
    params.batchSize = 16;
    FileStorageBenchmark.Written written = new FileStorageBenchmark.Written();

    FileStorageBenchmark.Log log = new FileStorageBenchmark.Log();
    log.preallocate = true;
    log.open(params);
    for (int i = 0; i < 10; i++) {
      params.fileStorage(log, written);
    }
    assertThat(log.slot).isEqualTo(161);
    assertThat(written.records).isEqualTo(160);
    assertThat(written.bytes).isEqualTo(16_000);
    log.close();
    assertThat(log.dir).doesNotExist();

    FileStorageBenchmark.RawFile raw = new FileStorageBenchmark.RawFile();
    raw.open(params);
    params.rawForce(raw, written);
    assertThat(raw.position).isEqualTo(1600);
    raw.close();
    assertThat(raw.dir).doesNotExist();
  }
}
