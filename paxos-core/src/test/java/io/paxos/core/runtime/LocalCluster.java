package io.paxos.core.runtime;

import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.transport.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real nodes on real threads over the in-memory network, for integration tests. */
final class LocalCluster implements AutoCloseable {
  final InMemoryNetwork network = new InMemoryNetwork();
  final Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
  final Map<Integer, RecordingStateMachine> machines = new LinkedHashMap<>();
  final Map<Integer, InMemoryStorage> storages = new LinkedHashMap<>();
  final ClusterConfig config;

  LocalCluster(ClusterConfig config, ProtocolOptions options, Duration commandTimeout) {
    this.config = config;
    for (int id : config.ids()) {
      RecordingStateMachine sm = new RecordingStateMachine();
      InMemoryStorage storage = new InMemoryStorage();
      machines.put(id, sm);
      storages.put(id, storage);
      nodes.put(
          id,
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(sm)
              .transport(network.transport(id))
              .storage(storage)
              .options(options)
              .commandTimeout(commandTimeout)
              .build());
    }
  }

  /** Wait until some live node leads and return it. */
  PaxosNode awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null),
            n -> n != null);
  }

  void close(int id) {
    PaxosNode node = nodes.remove(id);
    if (node != null) {
      node.close();
    }
  }

  List<PaxosNode> live() {
    return new ArrayList<>(nodes.values());
  }

  @Override
  public void close() {
    for (PaxosNode n : nodes.values()) {
      n.close();
    }
    nodes.clear();
  }
}
