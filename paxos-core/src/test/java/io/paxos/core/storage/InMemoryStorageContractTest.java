package io.paxos.core.storage;

class InMemoryStorageContractTest extends StorageContractTest {
  @Override
  Storage create() {
    return new InMemoryStorage();
  }

  @Override
  Storage restart(Storage storage) {
    return ((InMemoryStorage) storage).crash();
  }

  @Override
  void failSyncs(Storage storage) {
    ((InMemoryStorage) storage).failSyncs();
  }
}
