package io.paxos.peers.jraft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.paxos.peers.ArtifactVersion;
import io.paxos.peers.ClosedLoop;
import io.paxos.peers.FreePorts;
import io.paxos.peers.W1Cluster;
import io.paxos.peers.W1Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Three SOFAJRaft nodes in this JVM, each with its own bolt RPC server on 127.0.0.1, and one bolt
 * {@link RpcClient} that sends each write to the leader as a {@link PutRequest}. Log and metadata
 * in RocksDB under the scratch directory; snapshots off; every other option JRaft's default.
 */
final class JRaftCluster implements W1Cluster {
  private static final String GROUP = "w1";
  private static final long TIMEOUT_MS = 30_000;

  private final List<RaftGroupService> services = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final RaftOptions raftOptions;
  private RpcClient client;
  private Endpoint leader;

  private JRaftCluster(RaftOptions raftOptions) {
    this.raftOptions = raftOptions;
  }

  static JRaftCluster start(W1Options options, Path scratch) throws Exception {
    // sofa-common-tools and bolt write log files of their own under ${logging.path}.
    System.setProperty("logging.path", scratch.resolve("logs").toString());
    RaftOptions raftOptions = new RaftOptions();
    // Sync on is JRaft's default: each log batch is written to RocksDB with WriteOptions.sync.
    raftOptions.setSync(options.sync);
    JRaftCluster cluster = new JRaftCluster(raftOptions);
    try {
      cluster.startNodes(scratch);
      cluster.connect();
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void startNodes(Path scratch) throws Exception {
    List<PeerId> peers = new ArrayList<>();
    for (int port : FreePorts.tcp(3)) {
      peers.add(new PeerId(new Endpoint("127.0.0.1", port), 0));
    }
    Configuration conf = new Configuration(peers);
    for (int i = 0; i < peers.size(); i++) {
      Path dir = Files.createDirectories(scratch.resolve("node-" + i));
      NodeOptions nodeOptions = new NodeOptions();
      nodeOptions.setInitialConf(conf.copy());
      nodeOptions.setFsm(new KvStateMachine());
      nodeOptions.setLogUri(dir.resolve("log").toString());
      nodeOptions.setRaftMetaUri(dir.resolve("meta").toString());
      // A copy per node, as each would have in a process of its own.
      nodeOptions.setRaftOptions(raftOptions.copy());
      // RaftRpcServerFactory.createRaftRpcServer binds 0.0.0.0; this binds loopback only.
      RpcServer server =
          new BoltRpcServer(
              new com.alipay.remoting.rpc.RpcServer(
                  "127.0.0.1", peers.get(i).getEndpoint().getPort(), true));
      RaftRpcServerFactory.addRaftRequestProcessors(server);
      PutProcessor puts = new PutProcessor();
      server.registerProcessor(puts);
      RaftGroupService service = new RaftGroupService(GROUP, peers.get(i), nodeOptions, server);
      services.add(service);
      Node node = service.start();
      puts.attach(node);
      nodes.add(node);
    }
  }

  private void connect() throws Exception {
    leader = awaitLeader().getNodeId().getPeerId().getEndpoint();
    client = RpcFactoryHelper.rpcFactory().createRpcClient();
    client.init(new RpcOptions());
    // One write end to end, so the connection is up and the leader has committed in its term.
    byte[] first = ClosedLoop.command(ClosedLoop.key(0), new byte[0]);
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (true) {
      Object reply = client.invokeSync(leader, new PutRequest(first), 5_000);
      if (reply instanceof PutResponse r && r.applied) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the first write failed: " + reply);
      }
      Thread.sleep(50);
    }
  }

  private Node awaitLeader() throws InterruptedException {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (Node node : nodes) {
        if (node.isLeader()) {
          return node;
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no leader within " + TIMEOUT_MS + " ms");
  }

  @Override
  public CompletableFuture<?> submit(int clientIndex, byte[] command) {
    CompletableFuture<PutResponse> reply = new CompletableFuture<>();
    try {
      client.invokeAsync(leader, new PutRequest(command), new Callback(reply), TIMEOUT_MS);
    } catch (Exception e) {
      reply.completeExceptionally(e);
    }
    return reply;
  }

  /** Completes the write's future on bolt's thread; no executor hop. */
  private record Callback(CompletableFuture<PutResponse> reply) implements InvokeCallback {
    @Override
    public void complete(Object result, Throwable error) {
      if (error != null) {
        reply.completeExceptionally(error);
      } else if (result instanceof PutResponse r && r.applied) {
        reply.complete(r);
      } else {
        reply.completeExceptionally(new IllegalStateException("not applied: " + describe(result)));
      }
    }

    private static String describe(Object result) {
      return result instanceof PutResponse r ? r.error : String.valueOf(result);
    }

    @Override
    public Executor executor() {
      return null;
    }
  }

  @Override
  public String describe() {
    return "# SOFAJRaft "
        + ArtifactVersion.of("com.alipay.sofa", "jraft-core")
        + ", 3 nodes on 127.0.0.1 over bolt, leader "
        + leader
        + "\n# RaftOptions sync="
        + raftOptions.isSync()
        + (raftOptions.isSync()
            ? " (RocksDB WriteOptions.sync on every log batch)"
            : " (log batches written to RocksDB without sync)")
        + ", applyBatch="
        + raftOptions.getApplyBatch()
        + ", maxReplicatorInflightMsgs="
        + raftOptions.getMaxReplicatorInflightMsgs()
        + ", maxEntriesSize="
        + raftOptions.getMaxEntriesSize();
  }

  @Override
  public void close() {
    if (client != null) {
      client.shutdown();
    }
    for (RaftGroupService service : services) {
      service.shutdown();
    }
    for (RaftGroupService service : services) {
      try {
        service.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
