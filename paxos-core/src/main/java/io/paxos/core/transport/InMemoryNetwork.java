package io.paxos.core.transport;

import io.paxos.core.protocol.PeerMessage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A network inside one JVM for tests, demos and benchmarks: messages are handed over as objects (no
 * serialization) to the receiving node's handler, which queues them for the receiver's own thread,
 * so delivery is asynchronous. Nodes can be cut off and reconnected.
 *
 * <p>Thread-safe.
 */
public final class InMemoryNetwork {
  private final Map<Integer, Consumer<PeerMessage>> nodes = new ConcurrentHashMap<>();
  private final Set<Integer> isolated = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();

  /**
   * {@return the transport for node {@code id}; messages to it are delivered once it is started}
   *
   * @param id the node's id; one started transport per id at a time
   */
  public Transport transport(int id) {
    return new InMemoryTransport(id);
  }

  /**
   * Drop every message to and from node {@code id} until {@link #reconnect}.
   *
   * @param id the node to cut off
   */
  public void isolate(int id) {
    isolated.add(id);
  }

  /**
   * Deliver messages to and from node {@code id} again, after {@link #isolate}.
   *
   * @param id the node to reconnect
   */
  public void reconnect(int id) {
    isolated.remove(id);
  }

  /** {@return the messages dropped because the destination was closed, not started or isolated} */
  public long dropped() {
    return dropped.get();
  }

  private final class InMemoryTransport implements Transport {
    private final int id;
    private volatile Consumer<PeerMessage> inbound;
    private volatile boolean closed;

    InMemoryTransport(int id) {
      this.id = id;
    }

    @Override
    public void start(Consumer<PeerMessage> inbound) {
      Consumer<PeerMessage> registered = inbound::accept; // unique to this transport
      if (nodes.putIfAbsent(id, registered) != null) {
        throw new IllegalStateException("node " + id + " is already started on this network");
      }
      this.inbound = registered;
    }

    @Override
    public void send(int to, PeerMessage message) {
      Consumer<PeerMessage> receiver = nodes.get(to);
      if (closed || receiver == null || isolated.contains(to) || isolated.contains(id)) {
        dropped.incrementAndGet();
        return;
      }
      receiver.accept(message);
    }

    @Override
    public void close() {
      closed = true;
      // Remove this transport's own handler only: a node restarted with the same id has its own.
      Consumer<PeerMessage> mine = inbound;
      if (mine != null) {
        nodes.remove(id, mine);
      }
    }
  }
}
