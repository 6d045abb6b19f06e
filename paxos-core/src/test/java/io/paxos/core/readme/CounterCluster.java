package io.paxos.core.readme;

// README:cluster:start
import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class CounterCluster {
  public static long addAndRead(long amount) throws Exception {
    InMemoryNetwork network = new InMemoryNetwork(); // the gRPC transport plugs in the same way
    ClusterConfig config = ClusterConfig.of("counters", 1, 2, 3);
    List<PaxosNode> nodes = new ArrayList<>();
    for (int id : config.ids()) {
      nodes.add(
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(new Counter())
              .transport(network.transport(id))
              .build());
    }
    try {
      byte[] command = ByteBuffer.allocate(8).putLong(amount).array();
      nodes.get(0).submit(command).get(10, TimeUnit.SECONDS); // forwarded to the leader
      byte[] total =
          nodes.get(2).read(new byte[0], Consistency.LINEARIZABLE).get(10, TimeUnit.SECONDS);
      return ByteBuffer.wrap(total).getLong();
    } finally {
      nodes.forEach(PaxosNode::close);
    }
  }
}
// README:cluster:end
