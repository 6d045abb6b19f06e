package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's checks, each failing with a message that says what to do. */
class FileStorageDirectoryTest {
  @TempDir Path dir;

  @Test
  void aMissingDirectoryIsRefusedNotCreated() {
    Path missing = dir.resolve("no-such-dir");
    assertThatThrownBy(() -> FileStorage.open(missing, "c", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("create it");
    assertThat(missing).doesNotExist();
  }

  @Test
  void aFileIsNotADirectory() throws IOException {
    Path file = Files.createFile(dir.resolve("file"));
    assertThatThrownBy(() -> FileStorage.open(file, "c", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void aDirectoryThatIsNotWritableIsRefused() throws IOException {
    Path readOnly = Files.createDirectory(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(readOnly), "this user (root?) can write anywhere");
      assertThatThrownBy(() -> FileStorage.open(readOnly, "c", 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not writable");
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aDirectoryInUseByAnotherNodeIsRefusedUntilItCloses() {
    FileStorage first = FileStorage.open(dir, "c", 1);
    try {
      assertThatThrownBy(() -> FileStorage.open(dir, "c", 1))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("locked by another running node")
          .hasMessageContaining("process " + ProcessHandle.current().pid());
    } finally {
      first.close();
    }
    FileStorage.open(dir, "c", 1).close();
  }

  @Test
  void aDirectoryOfAnotherClusterOrNodeIsRefused() {
    FileStorage.open(dir, "orders", 1).close();
    assertThatThrownBy(() -> FileStorage.open(dir, "payments", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("belongs to node 1 of cluster \"orders\"")
        .hasMessageContaining("not to node 1 of cluster \"payments\"");
    assertThatThrownBy(() -> FileStorage.open(dir, "orders", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not to node 2 of cluster \"orders\"");
    // A refused open releases the lock.
    FileStorage.open(dir, "orders", 1).close();
  }

  @Test
  void damagedMetadataIsRefused() throws IOException {
    FileStorage.open(dir, "c", 1).close();
    Files.writeString(dir.resolve(DataDirectory.META_FILE), "garbage");
    assertThatThrownBy(() -> FileStorage.open(dir, "c", 1))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(DataDirectory.META_FILE);
  }

  @Test
  void theBootstrapMarkerIsWrittenOnlyWhenAskedAndSurvivesAReopen() throws IOException {
    try (FileStorage fresh = FileStorage.open(dir, "c", 1)) {
      assertThat(fresh.bootstrapped()).as("an empty directory is not marked").isFalse();
    }
    try (FileStorage again = FileStorage.open(dir, "c", 1)) {
      assertThat(again.bootstrapped()).isFalse();
      again.markBootstrapped();
      assertThat(again.bootstrapped()).isTrue();
    }
    try (FileStorage marked = FileStorage.open(dir, "c", 1)) {
      assertThat(marked.bootstrapped()).isTrue();
    }
    assertThat(Files.readString(dir.resolve(DataDirectory.META_FILE)))
        .contains(DataDirectory.BOOTSTRAPPED_KEY + "=true")
        .contains("cluster-id=c");
    assertThat(dir.resolve(DataDirectory.META_TEMP)).doesNotExist();
  }

  @Test
  void metadataWrittenBeforeTheMarkerExistedCountsAsMarked() throws IOException {
    FileStorage.open(dir, "c", 1).close();
    Path meta = dir.resolve(DataDirectory.META_FILE);
    Files.writeString(
        meta, Files.readString(meta).replace(DataDirectory.BOOTSTRAPPED_KEY + "=false\n", ""));
    assertThat(Files.readString(meta)).doesNotContain(DataDirectory.BOOTSTRAPPED_KEY);
    try (FileStorage legacy = FileStorage.open(dir, "c", 1)) {
      assertThat(legacy.bootstrapped()).as("its node voted").isTrue();
    }
  }

  @Test
  void segmentsWithoutMetadataAreRefused() throws IOException {
    FileStorage.open(dir, "c", 1).close();
    Files.delete(dir.resolve(DataDirectory.META_FILE));
    assertThatThrownBy(() -> FileStorage.open(dir, "c", 1))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no " + DataDirectory.META_FILE);
  }

  @Test
  void aBlankClusterIdIsRefused() {
    assertThatThrownBy(() -> FileStorage.open(dir, " ", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void afterAFailedSyncEveryCallThrowsAndARestartRecovers() {
    try (FileStorage s = FileStorage.open(dir, "c", 1)) {
      s.savePromise(new Ballot(1, 1));
      s.sync();
      s.failForces();
      s.saveRound(2);
      assertThatThrownBy(s::sync)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("restart the node");
      assertThatThrownBy(() -> s.savePromise(new Ballot(3, 1)))
          .isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> s.saveRound(3)).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> s.saveAccepted(new AcceptedEntry(1, new Ballot(3, 1), Value.NOOP)))
          .isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> s.appendChosen(1, Value.NOOP)).isInstanceOf(StorageException.class);
      assertThatThrownBy(s::sync).isInstanceOf(StorageException.class);
    }
    try (FileStorage s = FileStorage.open(dir, "c", 1)) {
      assertThat(s.load().promised()).isEqualTo(new Ballot(1, 1));
    }
  }

  @Test
  void aClosedStorageRefusesWritesAndClosesOnce() {
    FileStorage s = FileStorage.open(dir, "c", 1);
    s.close();
    s.close();
    assertThatThrownBy(() -> s.saveRound(1)).isInstanceOf(IllegalStateException.class);
  }
}
