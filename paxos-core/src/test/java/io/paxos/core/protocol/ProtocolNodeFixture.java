package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Delivery;
import io.paxos.core.protocol.Outbox.ReadIndex;
import io.paxos.core.storage.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared setup of the {@link ProtocolNode} tests: nodes, a follower, and a small cluster. */
abstract class ProtocolNodeFixture {
  static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  static final long TIMEOUT = OPTIONS.electionTimeoutMinMs();

  final Outbox out = new Outbox();

  static ProtocolNode node(int id, ClusterConfig config) {
    return new ProtocolNode(
        id, config, OPTIONS, NO_JITTER, DurableState.EMPTY, RoleFactory.DEFAULT);
  }

  /** Node {@code id} of {@code config} that has heard a heartbeat of leader {@code leader}. */
  ProtocolNode following(int id, ClusterConfig config, int leader) {
    ProtocolNode n = node(id, config);
    n.receive(new Heartbeat(leader, b(1, leader), 1, 1), 0, out);
    out.clear();
    return n;
  }

  /**
   * Several nodes wired by a FIFO queue that delivers every message (including a node's messages to
   * itself) and flushes the receiver after each one, all at one instant unless ticked.
   */
  static final class MiniCluster {
    final Map<Integer, ProtocolNode> nodes = new TreeMap<>();
    final Map<Integer, List<Delivery>> delivered = new TreeMap<>();
    final Map<Integer, List<ReadIndex>> reads = new TreeMap<>();
    final Map<Integer, List<Abandoned>> abandoned = new TreeMap<>();
    private final Deque<Object[]> network = new ArrayDeque<>();
    private final Map<Integer, OutboxCarrier> carriers = new TreeMap<>();
    private final Outbox scratch = new Outbox();
    long now;

    MiniCluster(ClusterConfig config) {
      for (int id : config.ids()) {
        nodes.put(id, node(id, config));
        delivered.put(id, new ArrayList<>());
        reads.put(id, new ArrayList<>());
        abandoned.put(id, new ArrayList<>());
        carriers.put(id, carrier(id));
      }
    }

    /** The runtime's carrier over an in-memory storage: votes leave once persisted. */
    private OutboxCarrier carrier(int id) {
      return new OutboxCarrier(
          id,
          StorageWriter.inline(new InMemoryStorage()),
          new OutboxCarrier.Effects() {
            @Override
            public void send(int to, Message message) {
              network.add(new Object[] {to, message});
            }

            @Override
            public void loopback(Message message) {
              network.add(new Object[] {id, message});
            }

            @Override
            public void deliver(List<Delivery> deliveries) {
              delivered.get(id).addAll(deliveries);
            }

            @Override
            public void settle(Outbox batch) {
              reads.get(id).addAll(batch.readIndexes());
              abandoned.get(id).addAll(batch.abandoned());
            }
          });
    }

    void tick(int id, long at) {
      now = at;
      nodes.get(id).tick(now, scratch);
      nodes.get(id).flush(now, scratch);
      drain(id);
    }

    void submit(int id, Command command) {
      nodes.get(id).submit(command, now, scratch);
      nodes.get(id).flush(now, scratch);
      drain(id);
    }

    void read(int id, long readId) {
      nodes.get(id).read(readId, now, scratch);
      nodes.get(id).flush(now, scratch);
      drain(id);
    }

    /** Deliver messages until none is left. */
    void run() {
      run((to, m) -> false);
    }

    /** Deliver messages until none is left, losing those {@code lost} picks. */
    void run(java.util.function.BiPredicate<Integer, Message> lost) {
      int steps = 0;
      while (!network.isEmpty()) {
        assertThat(++steps).as("messages delivered").isLessThan(10_000);
        Object[] next = network.poll();
        int to = (Integer) next[0];
        ProtocolNode node = nodes.get(to);
        if (node != null && !lost.test(to, (Message) next[1])) {
          node.receive((Message) next[1], now, scratch);
          node.flush(now, scratch);
          drain(to);
        }
      }
    }

    private void drain(int id) {
      carriers.get(id).carryOut(scratch);
    }

    /** Node {@code leader} times out first and wins phase 1. */
    void elect(int leader) {
      for (int id : nodes.keySet()) {
        tick(id, 0);
      }
      tick(leader, TIMEOUT);
      run();
      assertThat(nodes.get(leader).isLeader()).isTrue();
    }
  }

  /** A session's command: deduplicated by (client id, sequence), so it may be sent again. */
  static Command session(int origin, long sequence) {
    return new Command(
        origin, 55, sequence, 1, ("session-" + sequence).getBytes(StandardCharsets.UTF_8));
  }
}
