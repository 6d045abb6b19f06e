package io.paxos.core.storage;

/** The storage contract on files without preallocation: the log ends at the end of the file. */
class FileStorageWithoutPreallocationContractTest extends FileStorageContractTest {
  @Override
  FileStorageOptions options() {
    return super.options().withPreallocate(false);
  }
}
