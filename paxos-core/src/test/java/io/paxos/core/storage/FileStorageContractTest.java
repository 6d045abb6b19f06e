package io.paxos.core.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on real files, with tiny segments and a tiny write buffer so that rollovers
 * and batches larger than the buffer happen all the time. A crash is a close without sync.
 */
class FileStorageContractTest extends StorageContractTest {
  @TempDir Path dir;

  FileStorageOptions options() {
    return FileStorageOptions.defaults().withSegmentBytes(16 * 1024).withWriteBufferBytes(4096);
  }

  @Override
  Storage create() {
    return FileStorage.open(dir, "contract", 1, options());
  }

  @Override
  Storage restart(Storage storage) {
    storage.close();
    return FileStorage.open(dir, "contract", 1, options());
  }

  @Override
  void failSyncs(Storage storage) {
    ((FileStorage) storage).failForces();
  }
}
