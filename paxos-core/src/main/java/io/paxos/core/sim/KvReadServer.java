package io.paxos.core.sim;

import io.paxos.core.Consistency;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.ProtocolNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How a simulated node serves the key-value clients' reads: exactly as the runtime's {@code
 * PaxosNode.read} and applier do, through the protocol's own read API.
 *
 * <ul>
 *   <li>{@code LINEARIZABLE}: ask the protocol for a read index ({@code ProtocolNode.read},
 *       answered by an {@link Outbox.ReadIndex}), then wait until every slot below it is applied
 *       here, then query.
 *   <li>{@code LEASE}: the same, with the read id marked as a lease read: a leader whose lease
 *       holds answers it without a round trip.
 *   <li>{@code SEQUENTIAL}, with the client's session slot (the highest slot of its writes and
 *       reads so far, the runtime's {@code minSlot}): wait until that slot is applied here, then
 *       query; the node's first such read after it started takes a read index first, as a
 *       linearizable one does (its log may replay less than it had applied before a crash).
 *   <li>{@code STALE}: query now.
 * </ul>
 *
 * A refused read index (no leader, or not the leader) goes back to the client with the leader hint.
 * A read index or a wait that a crash interrupts is lost with the node; the client times out. Not
 * thread-safe.
 */
final class KvReadServer {
  /** One read request of a client at a node. */
  record Read(int client, long token, Consistency consistency, String key, long sessionSlot) {}

  /** Where answers go. */
  interface Answers {
    void refused(Read read, int leaderHint);

    void served(Read read, int node, String value, long slot);
  }

  /** The protocol side of a node, as the simulation drives it. */
  interface Protocol {
    /** {@code ProtocolNode.read(readId, now, out)} at {@code node}, then carry out its outbox. */
    void read(SimNode node, long readId);
  }

  private static final class NodeReads {
    // Whether a read at this node has waited for a read index since it started (see class doc).
    boolean sessionFloorKnown;
    final Map<Long, Read> awaitingIndex = new HashMap<>();
    final List<Parked> awaitingApply = new ArrayList<>();
  }

  /** A read waiting until every slot below {@code index} is applied. */
  private record Parked(Read read, long index) {}

  private final KvReplicas replicas;
  private final Protocol protocol;
  private final Answers answers;
  private final boolean servesSessionReadsEarly;
  private final Map<Integer, NodeReads> nodes = new HashMap<>();
  // Apart from the ids of the simulator's own lease reads, which count from 1.
  private long nextReadId = 1L << 40;

  /**
   * @param servesSessionReadsEarly a broken host, for the simulator's own tests: SEQUENTIAL reads
   *     do not wait for the client's session slot
   */
  KvReadServer(
      KvReplicas replicas, Protocol protocol, Answers answers, boolean servesSessionReadsEarly) {
    this.replicas = replicas;
    this.protocol = protocol;
    this.answers = answers;
    this.servesSessionReadsEarly = servesSessionReadsEarly;
  }

  /** {@code node} (re)started: reads it had in progress are lost, its floor unknown. */
  void onStart(SimNode node) {
    nodes.put(node.id, new NodeReads());
  }

  /** A client asks {@code node} (up, hosting a learner) for {@code read}. */
  void read(SimNode node, Read read) {
    NodeReads state = nodes.get(node.id);
    Consistency c = read.consistency();
    if (c == Consistency.STALE) {
      serve(node, state, read);
    } else if (c == Consistency.SEQUENTIAL && state.sessionFloorKnown) {
      park(node, state, read, servesSessionReadsEarly ? 0 : read.sessionSlot() + 1);
    } else {
      long readId = ++nextReadId;
      if (c == Consistency.LEASE) {
        readId |= ProtocolNode.LEASE_READ; // the leader may answer from its lease
      }
      state.awaitingIndex.put(readId, read);
      protocol.read(node, readId);
    }
  }

  /** {@code node} settled a batch: answer the read indexes it resolved. */
  void settled(SimNode node, Outbox batch) {
    NodeReads state = nodes.get(node.id);
    for (Outbox.ReadIndex index : batch.readIndexes()) {
      Read read = state.awaitingIndex.remove(index.readId());
      if (read == null) {
        continue;
      } else if (!index.ok()) {
        answers.refused(read, index.leaderHint());
      } else {
        long session =
            read.consistency() == Consistency.SEQUENTIAL && !servesSessionReadsEarly
                ? read.sessionSlot() + 1
                : 0;
        park(node, state, read, Math.max(index.readIndex(), session));
      }
    }
  }

  /** {@code node} applied more slots: serve the reads that waited for them. */
  void serveApplied(SimNode node) {
    NodeReads state = nodes.get(node.id);
    long applied = replicas.applied(node.id);
    for (Iterator<Parked> it = state.awaitingApply.iterator(); it.hasNext(); ) {
      Parked p = it.next();
      if (p.index() <= applied + 1) {
        it.remove();
        serve(node, state, p.read());
      }
    }
  }

  private void park(SimNode node, NodeReads state, Read read, long index) {
    if (index <= replicas.applied(node.id) + 1) {
      serve(node, state, read);
    } else {
      state.awaitingApply.add(new Parked(read, index));
    }
  }

  private void serve(SimNode node, NodeReads state, Read read) {
    long slot = replicas.applied(node.id);
    if (read.consistency() != Consistency.STALE) {
      state.sessionFloorKnown = true;
      // As the runtime's SlotResult does: the slot the query ran at, at least the one asked for.
      slot = Math.max(slot, read.consistency() == Consistency.SEQUENTIAL ? read.sessionSlot() : 0);
    }
    answers.served(read, node.id, replicas.get(node.id, read.key()), slot);
  }
}
