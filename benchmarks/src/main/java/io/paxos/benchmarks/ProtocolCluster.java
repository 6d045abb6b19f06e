package io.paxos.benchmarks;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.RoleFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Protocol cores of a cluster wired together in one thread, with no runtime, storage or transport:
 * the cost of the protocol alone.
 *
 * <p>Each node is driven the way the runtime drives it: it consumes the messages that reached it,
 * then {@link ProtocolNode#flush}es, and only then does the runtime's {@link OutboxCarrier} carry
 * its {@link Outbox} out, so a message leaves only after everything the node produced with it is
 * written. The writer discards the writes (the protocol's cost alone is measured here, not a
 * storage's). Time moves only in {@link #elect()}; commands are measured at a fixed time, without
 * timers.
 *
 * <p>Every delivery is checked as it happens: each learner must deliver the commands of {@link
 * #submitAndDeliver()} in submission order, each once, or an {@link IllegalStateException} stops
 * the run, so a benchmark that measures lost or reordered commands fails instead of reporting a
 * figure.
 *
 * <p>Not thread-safe.
 */
final class ProtocolCluster {
  private static final int MAX_PASSES = 1_000;

  private final ProtocolNode[] nodes;
  private final Outbox[] outboxes;
  private final OutboxCarrier[] carriers;
  private final List<ArrayDeque<Message>> inboxes;
  private final long[] lastDelivered;
  private final List<List<Long>> deliveryLog;
  private final byte[] payload;
  private long now;
  private long nextSequence = 1;
  private int leader;

  /**
   * @param size the number of nodes, each hosting all three roles, with ids 1 to {@code size}
   * @param payloadBytes the size of every command's payload
   * @param recordDeliveries whether to keep every learner's delivered sequence numbers (for tests;
   *     {@link #deliveries(int)})
   */
  ProtocolCluster(int size, int payloadBytes, boolean recordDeliveries) {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    ClusterConfig config = ClusterConfig.of("bench", ids);
    ProtocolOptions options = ProtocolOptions.defaults();
    nodes = new ProtocolNode[size];
    outboxes = new Outbox[size];
    carriers = new OutboxCarrier[size];
    inboxes = new ArrayList<>(size);
    lastDelivered = new long[size];
    deliveryLog = recordDeliveries ? new ArrayList<>() : null;
    for (int i = 0; i < size; i++) {
      nodes[i] =
          new ProtocolNode(
              ids[i],
              config,
              options,
              new SplittableRandom(ids[i]),
              DurableState.EMPTY,
              RoleFactory.DEFAULT);
      outboxes[i] = new Outbox();
      carriers[i] = new OutboxCarrier(ids[i], new DiscardingWriter(), new Effects(i));
      inboxes.add(new ArrayDeque<>());
      if (recordDeliveries) {
        deliveryLog.add(new ArrayList<>());
      }
    }
    payload = new byte[payloadBytes];
  }

  /**
   * Advance time in 10 ms ticks until a node leads and every node has heard of it.
   *
   * @return the leader's id
   */
  int elect() {
    for (int round = 0; round < 1_000; round++) {
      now += 10;
      for (int i = 0; i < nodes.length; i++) {
        nodes[i].tick(now, outboxes[i]);
        carryOut(i);
      }
      routeUntilQuiet();
      for (ProtocolNode n : nodes) {
        if (n.isLeader() && everyoneFollows(n.id())) {
          leader = n.id();
          return leader;
        }
      }
    }
    throw new IllegalStateException("no leader after 1000 ticks of 10 ms");
  }

  private boolean everyoneFollows(int id) {
    for (ProtocolNode n : nodes) {
      if (n.leaderHint() != id) {
        return false;
      }
    }
    return true;
  }

  int leader() {
    return leader;
  }

  /**
   * Submit one command at the leader and route messages until the leader's learner delivers it.
   *
   * @return the command's sequence number
   */
  long submitAndDeliver() {
    long sequence = nextSequence++;
    int l = leader - 1;
    nodes[l].submit(new Command(leader, 1, sequence, payload), now, outboxes[l]);
    nodes[l].flush(now, outboxes[l]);
    carryOut(l);
    for (int pass = 0; lastDelivered[l] < sequence; pass++) {
      if (pass == MAX_PASSES) {
        throw new IllegalStateException("command " + sequence + " not delivered at the leader");
      }
      for (int i = 0; i < nodes.length; i++) {
        step(i);
      }
    }
    return sequence;
  }

  /** Route until no message is in flight (every learner has caught up). */
  void routeUntilQuiet() {
    for (int pass = 0; !quiet(); pass++) {
      if (pass == MAX_PASSES) {
        throw new IllegalStateException("messages still in flight after " + MAX_PASSES + " passes");
      }
      for (int i = 0; i < nodes.length; i++) {
        step(i);
      }
    }
  }

  private boolean quiet() {
    for (ArrayDeque<Message> inbox : inboxes) {
      if (!inbox.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Node {@code i} consumes what reached it, flushes, and its outbox is carried out. */
  private void step(int i) {
    ArrayDeque<Message> inbox = inboxes.get(i);
    if (inbox.isEmpty()) {
      return;
    }
    Message m;
    while ((m = inbox.poll()) != null) {
      nodes[i].receive(m, now, outboxes[i]);
    }
    nodes[i].flush(now, outboxes[i]);
    carryOut(i);
  }

  /** Carry node {@code i}'s outbox out, through the runtime's carrier. */
  private void carryOut(int i) {
    carriers[i].carryOut(outboxes[i]);
  }

  /** A writer that is done with every write at once and keeps nothing. */
  private static final class DiscardingWriter implements StorageWriter {
    private long ticket;

    @Override
    public long write(Consumer<io.paxos.core.storage.Storage> writes, boolean sync) {
      return ++ticket;
    }

    @Override
    public long done() {
      return ticket;
    }

    @Override
    public boolean atOnce() {
      return true;
    }

    @Override
    public void close(boolean finish) {}
  }

  /** Node {@code i}'s messages go to the other nodes' inboxes; its deliveries are checked. */
  private final class Effects implements OutboxCarrier.Effects {
    private final int i;

    Effects(int i) {
      this.i = i;
    }

    @Override
    public void send(int to, Message message) {
      inboxes.get(to - 1).add(message);
    }

    @Override
    public void loopback(Message message) {
      inboxes.get(i).add(message);
    }

    @Override
    public void deliver(List<Outbox.Delivery> deliveries) {
      for (int d = 0; d < deliveries.size(); d++) {
        List<Command> commands = deliveries.get(d).value().commands();
        for (int c = 0; c < commands.size(); c++) {
          delivered(i, commands.get(c).sequence());
        }
      }
    }

    @Override
    public void settle(Outbox batch) {
      if (!batch.abandoned().isEmpty()) {
        throw new IllegalStateException("node " + (i + 1) + " abandoned " + batch.abandoned());
      }
    }
  }

  private void delivered(int i, long sequence) {
    if (sequence != lastDelivered[i] + 1) {
      throw new IllegalStateException(
          "node "
              + (i + 1)
              + " delivered command "
              + sequence
              + " after "
              + lastDelivered[i]
              + ": lost, duplicated or reordered");
    }
    lastDelivered[i] = sequence;
    if (deliveryLog != null) {
      deliveryLog.get(i).add(sequence);
    }
  }

  /** The sequence numbers node {@code id} delivered, in order (when recording deliveries). */
  List<Long> deliveries(int id) {
    return List.copyOf(deliveryLog.get(id - 1));
  }

  int size() {
    return nodes.length;
  }
}
