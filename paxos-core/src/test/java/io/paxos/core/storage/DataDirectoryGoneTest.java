package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.Ballot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory deleted or replaced under a running storage is noticed at the next sync, which
 * fails (nothing of that batch may be acknowledged), and the storage refuses every later write.
 */
class DataDirectoryGoneTest {
  @TempDir Path root;

  private Path dir() throws IOException {
    return Files.createDirectories(root.resolve("node-1"));
  }

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void assertStopsAndStaysStopped(FileStorage storage, String why) {
    storage.savePromise(new Ballot(2, 1));
    assertThatThrownBy(storage::sync)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("stops rather than acknowledge writes into deleted files");
    assertThatThrownBy(() -> storage.savePromise(new Ballot(3, 1)))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class);
  }

  @Test
  void aDeletedDirectoryFailsTheNextSync() throws IOException {
    Path dir = dir();
    try (FileStorage storage = FileStorage.open(dir, "c", 1)) {
      storage.savePromise(new Ballot(1, 1));
      storage.sync();
      deleteTree(dir);
      assertStopsAndStaysStopped(storage, "was deleted");
    }
  }

  @Test
  void aDirectoryReplacedByAnotherOfTheSameNameFailsTheNextSync() throws IOException {
    Path dir = dir();
    try (FileStorage storage = FileStorage.open(dir, "c", 1)) {
      storage.savePromise(new Ballot(1, 1));
      storage.sync();
      Files.move(dir, root.resolve("moved-away"));
      Files.createDirectory(dir);
      assertStopsAndStaysStopped(storage, "was replaced");
    }
  }

  @Test
  void aDirectoryEmptiedUnderTheStorageFailsTheNextSync() throws IOException {
    Path dir = dir();
    try (FileStorage storage = FileStorage.open(dir, "c", 1)) {
      storage.sync();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      assertStopsAndStaysStopped(storage, "had its lock file deleted");
    }
  }

  @Test
  void anUntouchedDirectoryKeepsSyncing() throws IOException {
    try (FileStorage storage = FileStorage.open(dir(), "c", 1)) {
      for (int i = 1; i <= 3; i++) {
        storage.savePromise(new Ballot(i, 1));
        storage.sync();
      }
      assertThat(storage.load().promised()).isEqualTo(Ballot.ZERO); // load is what was recovered
    }
  }
}
