package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirectoryTest {

  @Test
  void closeDeletesTheDirectoryWithEverythingInIt() throws IOException {
    Path root;
    try (ScratchDirectory scratch = new ScratchDirectory("scratch-test-")) {
      root = scratch.root();
      Path node = scratch.newDirectory("node-1");
      Files.write(node.resolve("segment"), new byte[100]);
      assertThat(node.resolve("segment")).isRegularFile();
    }
    assertThat(root).doesNotExist();
  }
}
