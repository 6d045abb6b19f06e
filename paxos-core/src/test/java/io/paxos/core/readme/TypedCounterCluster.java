package io.paxos.core.readme;

// README:typed-cluster:start
import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.TypedPaxosNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class TypedCounterCluster {
  static final CommandCodecs<Long, Long> CODECS = CommandCodecs.of(Codec.int64(), Codec.int64());

  public static long addAndRead(long amount) throws Exception {
    InMemoryNetwork network = new InMemoryNetwork(); // the gRPC transport plugs in the same way
    ClusterConfig config = ClusterConfig.of("counters", 1, 2, 3);
    List<TypedPaxosNode<Long, Long>> nodes = new ArrayList<>();
    for (int id : config.ids()) {
      PaxosNode node =
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(CODECS.stateMachine(new TypedCounter()))
              .transport(network.transport(id))
              .build();
      nodes.add(CODECS.node(node));
    }
    try {
      nodes.get(0).submit(amount).get(10, TimeUnit.SECONDS); // forwarded to the leader
      return nodes.get(2).read(0L, Consistency.LINEARIZABLE).get(10, TimeUnit.SECONDS);
    } finally {
      nodes.forEach(typed -> typed.node().close());
    }
  }
}
// README:typed-cluster:end
