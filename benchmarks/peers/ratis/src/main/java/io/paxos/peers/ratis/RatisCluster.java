package io.paxos.peers.ratis;

import io.paxos.peers.ArtifactVersion;
import io.paxos.peers.ClosedLoop;
import io.paxos.peers.FreePorts;
import io.paxos.peers.W1Cluster;
import io.paxos.peers.W1Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Three Apache Ratis servers in this JVM over gRPC on 127.0.0.1, with the segmented log under the
 * scratch directory, and one {@link RaftClient} sending every write with {@code async().send()}.
 * Every option is Ratis's default except the client's cap on outstanding requests (raised to at
 * least the number of clients) and, for {@code --no-sync}, the unsafe flush.
 */
final class RatisCluster implements W1Cluster {
  private static final long TIMEOUT_MS = 30_000;

  private final List<RaftServer> servers = new ArrayList<>();
  private final RaftProperties serverProperties;
  private RaftClient client;
  private RaftPeerId leader;

  private RatisCluster(RaftProperties serverProperties) {
    this.serverProperties = serverProperties;
  }

  static RatisCluster start(W1Options options, Path scratch) throws Exception {
    RaftProperties properties = new RaftProperties();
    if (!options.sync) {
      // Ratis cannot skip the fsync: an unsafe flush lets the flushed index (and so votes and
      // commits) move on without waiting for FileChannel.force, which still runs behind.
      RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, true);
    }
    RatisCluster cluster = new RatisCluster(properties);
    try {
      cluster.startServers(scratch);
      cluster.connect(options.clients);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void startServers(Path scratch) throws Exception {
    int[] ports = FreePorts.tcp(3);
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress("127.0.0.1:" + ports[i]).build());
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
    for (int i = 0; i < peers.size(); i++) {
      RaftProperties p = new RaftProperties(serverProperties);
      RaftServerConfigKeys.setStorageDir(p, List.of(scratch.resolve("node-" + i).toFile()));
      GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
      GrpcConfigKeys.Server.setPort(p, ports[i]);
      servers.add(
          RaftServer.newBuilder()
              .setServerId(peers.get(i).getId())
              .setGroup(group)
              .setStateMachine(new KvStateMachine())
              .setProperties(p)
              .setOption(RaftStorage.StartupOption.FORMAT)
              .build());
    }
    for (RaftServer server : servers) {
      server.start();
    }
    leader = awaitLeader(group.getGroupId());
  }

  private RaftPeerId awaitLeader(RaftGroupId group) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      for (RaftServer server : servers) {
        RaftServer.Division division = server.getDivision(group);
        if (division.getInfo().isLeader() && division.getInfo().isLeaderReady()) {
          return server.getId();
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no leader within " + TIMEOUT_MS + " ms");
  }

  private void connect(int clients) throws Exception {
    RaftProperties p = new RaftProperties();
    // The default cap (100 outstanding requests) would otherwise limit --clients above 100.
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(
        p, Math.max(RaftClientConfigKeys.Async.OUTSTANDING_REQUESTS_MAX_DEFAULT, clients));
    RaftGroup group =
        servers.get(0).getDivision(servers.get(0).getGroupIds().iterator().next()).getGroup();
    client =
        RaftClient.newBuilder()
            .setClientId(ClientId.randomId())
            .setRaftGroup(group)
            .setLeaderId(leader)
            .setProperties(p)
            .build();
    // One write end to end, so the path is up before the clock starts.
    RaftClientReply first =
        client.io().send(message(ClosedLoop.command(ClosedLoop.key(0), new byte[0])));
    if (!first.isSuccess()) {
      throw new IllegalStateException("the first write failed: " + first);
    }
  }

  private static Message message(byte[] command) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(command));
  }

  @Override
  public CompletableFuture<?> submit(int clientIndex, byte[] command) {
    return client
        .async()
        .send(message(command))
        .thenApply(
            reply -> {
              if (!reply.isSuccess()) {
                throw new IllegalStateException("not applied: " + reply);
              }
              return reply;
            });
  }

  @Override
  public String describe() {
    RaftProperties p = serverProperties;
    return "# Apache Ratis "
        + ArtifactVersion.of("org.apache.ratis", "ratis-server")
        + ", 3 servers on 127.0.0.1 over gRPC, leader "
        + leader
        + "\n# log: FileChannel.force when the write queue drains or every "
        + RaftServerConfigKeys.Log.forceSyncNum(p)
        + " entries; "
        + RaftServerConfigKeys.Log.UNSAFE_FLUSH_ENABLED_KEY
        + "="
        + RaftServerConfigKeys.Log.unsafeFlushEnabled(p);
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    for (RaftServer server : servers) {
      server.close();
    }
  }
}
