package io.paxos.grpc.client;

import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where the client sends: the nodes it knows, which one it takes for the leader, and which one gets
 * the next attempt. {@link ClientEngine} owns the calls (attempts, deadlines, completions) and asks
 * this class for a node each time it makes an attempt; it tells this class what the nodes answered
 * (or that they answered nothing), and this class draws its conclusions about the nodes.
 *
 * <p><b>What it decides, and why.</b>
 *
 * <ul>
 *   <li><b>Commands</b> go to the node taken for the leader while it is not skipped: any node
 *       forwards a command to the leader, but the leader saves a hop. While no leader is known (or
 *       it is skipped), the nodes are tried in turn, those taken to host a proposer first, and the
 *       nodes are asked who leads.
 *   <li><b>Reads</b> go in turn to the nodes taken to host a learner (the others have no state
 *       machine), except {@link Consistency#SEQUENTIAL} reads, which stay on one such node while it
 *       answers in time, so that they do not wait at every node in turn for the slot they need.
 *   <li>A node is taken to <b>host every role</b> until a status reply lists the members' roles or
 *       it refuses a read as no learner; from then on reads skip it, and so do commands sent while
 *       no leader is known, as long as a node that hosts a proposer is not skipped.
 *   <li><b>Who leads</b> is learned from a status reply (a node's own belief, which counts as soon
 *       as it names a known member), from a refusal as not the leader that names another known
 *       member (the command goes there at once), and from the hint a result carries. A result's
 *       hint counts only if it comes from the node taken for the leader, or while none is known or
 *       the one known is skipped: a lagging follower's stale hint must not move the commands off a
 *       live leader. A hint that names no known member (0, a negative id, an id never reported in a
 *       status reply) moves nothing; a refusal that carries one, or a result that carries one other
 *       than 0, makes this class ask the nodes who leads.
 *   <li><b>Skipped nodes.</b> A node is skipped until a time: after it answered nothing for a whole
 *       attempt wait ({@link #suspect}, for the time the engine gives), or after its session failed
 *       or it said it is closing ({@link #markDown}, for a jittered back-off that doubles with each
 *       failure in a row, from 25–50 ms up to 1–2 s). It stays known, and is tried again when its
 *       turn comes after that time; its first answer ({@link #answered}) resets its failures. A
 *       node taken for the leader, or holding the SEQUENTIAL reads, loses that place when it is
 *       skipped.
 * </ul>
 *
 * <p>Not thread-safe: the client's loop thread only. It touches no network and reads no clock: the
 * time comes in as {@code now} ({@code System.nanoTime()}, compared by subtraction so that it may
 * wrap), connections to new members are made by the factory it is given (a {@link NodeConnection}
 * dials only when it first sends), and asking the nodes who leads is the {@code askWhoLeads} hook
 * (the engine's status requests, which throttle themselves).
 */
final class NodeRotation {
  private final List<NodeConnection> nodes = new ArrayList<>();
  private final Map<Integer, NodeConnection> byId = new HashMap<>();
  private final Function<Endpoint, NodeConnection> connect;
  private final SplittableRandom random;
  private final Runnable askWhoLeads;
  private int cursor;
  private NodeConnection leader;
  private NodeConnection sequentialNode;

  /**
   * @param endpoints the nodes the client is given, in rotation order
   * @param connect makes the connection to a node (it must not dial before it sends)
   * @param random the jitter of the back-off of a failed node (the client's seeded random)
   * @param askWhoLeads asks the nodes who leads; their status replies come back to {@link #learned}
   */
  NodeRotation(
      List<Endpoint> endpoints,
      Function<Endpoint, NodeConnection> connect,
      SplittableRandom random,
      Runnable askWhoLeads) {
    this.connect = connect;
    this.random = random;
    this.askWhoLeads = askWhoLeads;
    for (Endpoint e : endpoints) {
      nodes.add(connect.apply(e));
    }
  }

  /** The nodes known, in rotation order: those given, then those learned from status replies. */
  List<NodeConnection> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The node taken for the leader, or null if none is known. */
  NodeConnection leader() {
    return leader;
  }

  /** The node for a command's attempt at {@code now}, or null if every node is skipped. */
  NodeConnection forCommand(long now) {
    if (leader != null && !leader.isDown(now)) {
      return leader;
    }
    askWhoLeads.run();
    NodeConnection proposer = next(now, Role.PROPOSER);
    return proposer != null ? proposer : next(now); // any node forwards to the leader
  }

  /**
   * The node for a read's attempt at {@code now}, or null if every node taken to host a learner is
   * skipped.
   */
  NodeConnection forRead(Consistency consistency, long now) {
    if (consistency == Consistency.SEQUENTIAL) {
      if (sequentialNode == null
          || sequentialNode.isDown(now)
          || !sequentialNode.roles.contains(Role.LEARNER)) {
        sequentialNode = next(now, Role.LEARNER);
      }
      return sequentialNode;
    }
    return next(now, Role.LEARNER);
  }

  /** The next node in rotation that is not skipped, or null. */
  private NodeConnection next(long now) {
    for (int i = 0; i < nodes.size(); i++) {
      NodeConnection n = nodes.get(Math.floorMod(cursor++, nodes.size()));
      if (!n.isDown(now)) {
        return n;
      }
    }
    return null;
  }

  /** The next node in rotation that is not skipped and is taken to host {@code role}, or null. */
  private NodeConnection next(long now, Role role) {
    for (int i = 0; i < nodes.size(); i++) {
      NodeConnection n = nodes.get(Math.floorMod(cursor++, nodes.size()));
      if (!n.isDown(now) && n.roles.contains(role)) {
        return n;
      }
    }
    return null;
  }

  /** {@code n} answered a call at {@code now} (a result or an error): its failures are over. */
  void answered(NodeConnection n, long now) {
    n.failures = 0;
    n.lastAnswerNanos = now;
  }

  /**
   * {@code n} answered nothing for a whole attempt wait: skip it until {@code untilNanos} (never
   * shortening a longer skip), stop taking it for the leader, and ask who leads.
   */
  void suspect(NodeConnection n, long untilNanos) {
    if (untilNanos - n.downUntilNanos > 0) {
      n.downUntilNanos = untilNanos;
    }
    if (leader == n) {
      leader = null;
    }
    if (sequentialNode == n) {
      sequentialNode = null;
    }
    askWhoLeads.run();
  }

  /**
   * {@code n}'s session failed, or it is closing, at {@code now}: skip it for a jittered back-off
   * that doubles with each failure in a row (25–50 ms at first, at most 1–2 s).
   */
  void markDown(NodeConnection n, long now) {
    n.failures++;
    long base =
        Math.min(
            TimeUnit.SECONDS.toNanos(2),
            TimeUnit.MILLISECONDS.toNanos(50) << Math.min(n.failures - 1, 10));
    n.downUntilNanos = now + base / 2 + random.nextLong(base / 2 + 1);
    if (leader == n) {
      leader = null;
      askWhoLeads.run();
    }
    if (sequentialNode == n) {
      sequentialNode = null;
    }
  }

  /** A command timed out at the node taken for the leader: it may lead no more; ask who does. */
  void forgetLeader() {
    leader = null;
    askWhoLeads.run();
  }

  /**
   * {@code n} could not serve a SEQUENTIAL read's slot in time: it lags, and with {@code min_slot}
   * any other node is as good, so the next SEQUENTIAL read goes to the next learner.
   */
  void lagging(NodeConnection n) {
    if (sequentialNode == n) {
      sequentialNode = null;
    }
  }

  /**
   * {@code n} refused a read as hosting no learner: out of the read rotation for good. Its status
   * names every member with its roles, so learners the client was not given join the rotation.
   */
  void notLearner(NodeConnection n) {
    n.roles.remove(Role.LEARNER);
    if (sequentialNode == n) {
      sequentialNode = null;
    }
    askWhoLeads.run();
  }

  /**
   * {@code from} refused a command as not the leader, naming {@code hint} (0: it knows none).
   *
   * @return true if the hint names another known node, which is taken for the leader from now on
   *     (the command goes there at once); false otherwise, {@code from} is no longer taken for the
   *     leader and the nodes are asked who leads (the command waits a little before it is retried)
   */
  boolean notLeader(NodeConnection from, int hint) {
    NodeConnection hinted = hint == 0 ? null : byId.get(hint);
    if (hinted != null && hinted != from) {
      leader = hinted;
      return true;
    }
    if (leader == from) {
      leader = null;
    }
    askWhoLeads.run();
    return false;
  }

  /**
   * {@code from} returned a result at {@code now} with the leader hint {@code hint} (0: none). The
   * hint counts if {@code from} is taken for the leader, or no leader is known, or the one known is
   * skipped; then the next commands go to the hinted node if it is known and not skipped, and if it
   * is not known the nodes are asked where it is.
   */
  void resultHint(NodeConnection from, int hint, long now) {
    if (hint == 0 || (leader != null && leader != from && !leader.isDown(now))) {
      return;
    }
    NodeConnection hinted = byId.get(hint);
    if (hinted == null) {
      askWhoLeads.run();
    } else if (!hinted.isDown(now)) {
      leader = hinted;
    }
  }

  /** What a status reply from {@code n} taught: who it is, who leads, where the members are. */
  void learned(NodeConnection n, int nodeId, int leaderId, Map<Integer, Endpoint> members) {
    learned(n, nodeId, leaderId, members, Map.of());
  }

  /**
   * What a status reply from {@code n} taught: who it is, who leads, where the members are and
   * which roles they host (a member missing from {@code roles} keeps the roles it was taken to
   * host). Members not known yet join the rotation; a leader id that names no known member (0 when
   * {@code n} knows none) changes nothing.
   */
  void learned(
      NodeConnection n,
      int nodeId,
      int leaderId,
      Map<Integer, Endpoint> members,
      Map<Integer, Set<Role>> roles) {
    byId.putIfAbsent(nodeId, n);
    for (Map.Entry<Integer, Endpoint> m : members.entrySet()) {
      if (!byId.containsKey(m.getKey()) && byEndpoint(m.getValue()) == null) {
        NodeConnection added = connect.apply(m.getValue());
        nodes.add(added);
        byId.put(m.getKey(), added);
      }
    }
    if (leaderId != 0 && byId.containsKey(leaderId)) {
      leader = byId.get(leaderId);
    }
    for (Map.Entry<Integer, Set<Role>> r : roles.entrySet()) {
      NodeConnection c = byId.get(r.getKey());
      Endpoint at = members.get(r.getKey());
      if (c == null && at != null) {
        c = byEndpoint(at);
      }
      if (c != null && !r.getValue().isEmpty()) {
        c.roles = EnumSet.copyOf(r.getValue());
      }
    }
  }

  /**
   * Whether a node may hold an attempt at {@code now}: one that is not failing or skipped and that
   * a connection was ever made to (a node still being dialled, or refusing connections, has
   * received nothing).
   */
  boolean anyMayHoldAnAttempt(long now) {
    return nodes.stream()
        .anyMatch(n -> n.failures == 0 && !n.isDown(now) && (n.everConnected || n.isReady()));
  }

  /** The nodes' endpoints, for messages. */
  String describe() {
    return nodes.stream().map(n -> n.endpoint.toString()).collect(Collectors.joining(", "));
  }

  /** The connection to {@code endpoint} in the rotation, or null if there is none. */
  private NodeConnection byEndpoint(Endpoint endpoint) {
    for (NodeConnection n : nodes) {
      if (n.endpoint.equals(endpoint)) {
        return n;
      }
    }
    return null;
  }

  /** The connection to {@code endpoint}, made and added to the rotation if there is none yet. */
  NodeConnection connection(Endpoint endpoint) {
    NodeConnection known = byEndpoint(endpoint);
    if (known != null) {
      return known;
    }
    NodeConnection added = connect.apply(endpoint);
    nodes.add(added);
    return added;
  }
}
