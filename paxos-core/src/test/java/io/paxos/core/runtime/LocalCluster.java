package io.paxos.core.runtime;

import static org.awaitility.Awaitility.await;

import io.paxos.core.NotLeaderException;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.InMemoryNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Real nodes on real threads over the in-memory network, for integration tests. */
final class LocalCluster implements AutoCloseable {
  final InMemoryNetwork network = new InMemoryNetwork();
  final Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
  final Map<Integer, RecordingStateMachine> machines = new LinkedHashMap<>();
  final Map<Integer, InMemoryStorage> storages = new LinkedHashMap<>();
  final ClusterConfig config;
  private final ProtocolOptions options;
  private final Duration commandTimeout;
  private final IntFunction<Storage> storage;
  private final SnapshotOptions snapshots;

  /** Nodes with {@link InMemoryStorage}, kept in {@link #storages}. */
  LocalCluster(ClusterConfig config, ProtocolOptions options, Duration commandTimeout) {
    this(config, options, commandTimeout, null);
  }

  /** Nodes with the storage {@code storage} opens for each node id. */
  LocalCluster(
      ClusterConfig config,
      ProtocolOptions options,
      Duration commandTimeout,
      IntFunction<Storage> storage) {
    this(config, options, commandTimeout, storage, SnapshotOptions.defaults());
  }

  /** Nodes with the storage {@code storage} opens, taking snapshots as {@code snapshots} says. */
  LocalCluster(
      ClusterConfig config,
      ProtocolOptions options,
      Duration commandTimeout,
      IntFunction<Storage> storage,
      SnapshotOptions snapshots) {
    this.snapshots = snapshots;
    this.config = config;
    this.options = options;
    this.commandTimeout = commandTimeout;
    this.storage = storage;
    for (int id : config.ids()) {
      start(id, Bootstrap.NEW);
    }
  }

  /**
   * Start node {@code id} again after {@link #close(int)}: a new node with a new state machine, on
   * the storage the cluster's storage function opens (a fresh in-memory one if none: the node then
   * serves as a learner only, as a member that lost its disk must).
   */
  void start(int id) {
    // A node the cluster file does not have (one that joined) is started with its roles again.
    start(id, config.member(id).isPresent() ? Bootstrap.EXISTING : null);
  }

  /**
   * Start node {@code id}, which the cluster file does not have, to join the running cluster with
   * every role ({@link PaxosNodeBuilder#joinAs}).
   */
  void join(int id) {
    start(id, null);
  }

  private void start(int id, Bootstrap bootstrap) {
    RecordingStateMachine sm = new RecordingStateMachine();
    Storage s;
    if (storage == null) {
      InMemoryStorage inMemory = new InMemoryStorage();
      storages.put(id, inMemory);
      s = inMemory;
    } else {
      s = storage.apply(id);
    }
    machines.put(id, sm);
    PaxosNodeBuilder b =
        PaxosNode.builder()
            .config(config)
            .nodeId(id)
            .stateMachine(sm)
            .transport(network.transport(id))
            .storage(s)
            .options(options)
            .commandTimeout(commandTimeout)
            .snapshots(snapshots);
    nodes.put(
        id,
        (bootstrap != null ? b.bootstrap(bootstrap) : b.joinAs(EnumSet.allOf(Role.class))).build());
  }

  /** Wait until some live node leads and return it. */
  PaxosNode awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null),
            n -> n != null);
  }

  /** Wait until one node leads and every live node knows it as the leader. */
  PaxosNode awaitAgreedLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PaxosNode leader =
                  nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null);
              boolean agreed =
                  leader != null
                      && nodes.values().stream()
                          .allMatch(n -> n.leaderId().orElse(0) == leader.id());
              return agreed ? leader : null;
            },
            n -> n != null);
  }

  /**
   * A {@link FileStorage} for each node in {@code dir}/node-{id}, of cluster {@code clusterId}: a
   * storage function for the constructor, which a restarted node opens again.
   */
  static FileStorage openFileStorage(Path dir, String clusterId, int id) {
    try {
      Files.createDirectories(dir.resolve("node-" + id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return FileStorage.open(dir.resolve("node-" + id), clusterId, id);
  }

  /**
   * Submit (or read), and again while it is refused unproposed by a change of leader (a {@code
   * NotLeaderException}: safe to retry), once the cluster agrees on a leader; the result.
   */
  <T> T submitUntilProposed(Callable<CompletableFuture<T>> submit) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return submit.call().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException) || attempt == 100) {
          throw e;
        }
        awaitAgreedLeader();
      }
    }
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
