package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.transport.InMemoryNetwork;
import org.junit.jupiter.api.Test;

/**
 * A node votes only on a storage marked at the bootstrap of a new cluster; on an unmarked one it
 * serves as a learner only (see {@code docs/wiped-disks.md}).
 */
class BootstrapTest {
  private static final ClusterConfig CONFIG = ClusterConfig.of("boot", 1, 2, 3);

  private static PaxosNode start(InMemoryStorage storage, Bootstrap bootstrap) {
    PaxosNodeBuilder b =
        PaxosNode.builder()
            .config(CONFIG)
            .nodeId(1)
            .stateMachine(new RecordingStateMachine())
            .transport(new InMemoryNetwork().transport(1))
            .storage(storage);
    if (bootstrap != null) {
      b.bootstrap(bootstrap);
    }
    return b.build();
  }

  @Test
  void anEmptyStorageOfANewClusterIsMarkedAndVotes() {
    InMemoryStorage storage = new InMemoryStorage();
    try (PaxosNode node = start(storage, Bootstrap.NEW)) {
      assertThat(node.votes()).isTrue();
      assertThat(node.status().learnerOnly()).isFalse();
    }
    assertThat(storage.bootstrapped()).isTrue();
    try (PaxosNode again = start(storage, Bootstrap.EXISTING)) {
      assertThat(again.votes()).as("a marked storage votes whatever the setting").isTrue();
    }
  }

  @Test
  void anEmptyStorageOfAnExistingClusterServesAsALearnerOnly() {
    InMemoryStorage storage = new InMemoryStorage();
    try (PaxosNode node = start(storage, null)) {
      assertThat(node.votes()).as("EXISTING is the default with a storage").isFalse();
      assertThat(node.status().learnerOnly()).isTrue();
      assertThat(node.isLeader()).isFalse();
    }
    assertThat(storage.bootstrapped()).as("and it stays unmarked").isFalse();
  }

  @Test
  void aNodeGivenNoStorageIsANewInMemoryNode() {
    try (PaxosNode node =
        PaxosNode.builder()
            .config(CONFIG)
            .nodeId(1)
            .stateMachine(new RecordingStateMachine())
            .transport(new InMemoryNetwork().transport(1))
            .build()) {
      assertThat(node.votes()).isTrue();
    }
  }

  @Test
  void aLearnerOnlyStorageThatHoldsStateCannotBootstrapANewCluster() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.appendChosen(1, io.paxos.core.protocol.Value.NOOP);
    storage.sync();
    assertThatThrownBy(() -> start(storage, Bootstrap.NEW))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot vote again under its old identity");
    assertThat(storage.bootstrapped()).isFalse();

    InMemoryStorage promised = new InMemoryStorage();
    promised.savePromise(new Ballot(3, 2));
    promised.sync();
    assertThatThrownBy(() -> start(promised, Bootstrap.NEW))
        .isInstanceOf(IllegalStateException.class);
  }
}
