package io.paxos.grpc.client;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.paxos.core.CommandFailedException;
import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.Error;
import io.paxos.grpc.proto.ReadRequest;
import io.paxos.grpc.proto.SubmitRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The client's state and rules: which node gets each attempt, when a call is tried again, and how
 * it ends. Loop thread only.
 *
 * <p>Commands go to the leader (any node forwards, but the leader saves a hop); a retry keeps the
 * command's sequence number, and every attempt carries the lowest sequence still without a reply
 * ({@code acknowledgedBelow}), so the cluster applies each command once and can forget old results.
 * Reads rotate over the nodes that host a learner (the others have no state machine), except {@link
 * Consistency#SEQUENTIAL} reads, which stay on one such node while it answers. A node is taken to
 * host every role until a status reply lists the members' roles, or it refuses a read with {@code
 * ERROR_NOT_LEARNER}; then reads skip it, and commands, while no leader is known, go to nodes that
 * host a proposer first. Every result tells the slot it reflects; the client keeps the highest it
 * has seen and sends it with each SEQUENTIAL read ({@code min_slot}), which a node answers only
 * once it has applied that slot: so a SEQUENTIAL read sees the client's own writes and never goes
 * back in time, at whichever node it runs. A node that cannot catch up in time answers with a
 * timeout, and the next attempt goes to another node.
 *
 * <p><b>Suspicion.</b> A node that answers nothing at all for a short while after an attempt was
 * sent to it (paused, or a leader cut off from its peers while its link to this client stays up) is
 * suspected: the attempt is made again, with the same sequence number, at another node, and the
 * nodes are asked who leads. The wait is {@code min(attemptTimeout, the call's timeout / 3)}, so a
 * call gets at least three attempts within its deadline; a node that answered other calls in the
 * meantime is slow, not silent, and is waited for as long as it has never been silent for a whole
 * wait (so a leader paused just after an answer is suspected one wait later). A suspected node is
 * skipped for twice that wait, then tried again when its turn comes.
 */
final class ClientEngine implements NodeConnection.Listener {
  private static final long MAX_RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long STATUS_TIMEOUT_MS = 2_000;

  /**
   * The default of {@link PaxosClient.Builder#attemptTimeout}: about one election timeout at the
   * default timings (a retry that reaches a follower mid-election waits there for the new leader).
   */
  static final long DEFAULT_ATTEMPT_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** The shortest wait for an answer before a node is suspected. */
  private static final long MIN_ATTEMPT_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final long clientId;
  private final int maxInFlight;
  private final ClientLoop loop;
  private final ChannelCredentials credentials;
  private final SplittableRandom random;
  private final long attemptTimeoutNanos;
  private final List<NodeConnection> nodes = new ArrayList<>();
  private final Map<Integer, NodeConnection> byId = new HashMap<>();
  private final TreeMap<Long, Call> unanswered = new TreeMap<>();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private final Set<Call> reads = new HashSet<>();
  private final Deadlines deadlines;
  private long nextSequence = 1;
  // The highest slot any result this client received reflects.
  private long seenSlot;
  private long nextCallId = 1;
  private int cursor;
  private NodeConnection leader;
  private NodeConnection sequentialNode;
  private boolean refreshing;
  private long lastRefreshNanos;
  private boolean closed;

  ClientEngine(
      long clientId,
      List<Endpoint> endpoints,
      int maxInFlight,
      ClientLoop loop,
      ChannelCredentials credentials,
      long seed) {
    this(clientId, endpoints, maxInFlight, loop, credentials, seed, DEFAULT_ATTEMPT_TIMEOUT_NANOS);
  }

  /**
   * @param attemptTimeoutNanos how long a node may stay silent after an attempt before it is
   *     suspected (at most a third of the call's timeout is waited)
   */
  ClientEngine(
      long clientId,
      List<Endpoint> endpoints,
      int maxInFlight,
      ClientLoop loop,
      ChannelCredentials credentials,
      long seed,
      long attemptTimeoutNanos) {
    this.attemptTimeoutNanos = attemptTimeoutNanos;
    this.clientId = clientId;
    this.maxInFlight = maxInFlight;
    this.loop = loop;
    this.credentials = credentials;
    this.random = new SplittableRandom(seed);
    this.deadlines = new Deadlines(loop, this::expire);
    for (Endpoint e : endpoints) {
      nodes.add(new NodeConnection(e, loop, credentials, this));
    }
  }

  /** How many calls' deadlines are watched: the calls in progress (for tests). */
  int watchedDeadlines() {
    return deadlines.size();
  }

  /** The highest slot the results received so far reflect (for tests). */
  long seenSlot() {
    return seenSlot;
  }

  /** The node commands go to, or null if none is known (for tests). */
  NodeConnection leader() {
    return leader;
  }

  /** Send what the last burst of tasks queued. */
  void flush() {
    for (NodeConnection n : nodes) {
      n.flush();
    }
  }

  void submit(Call call) {
    if (closed) {
      fail(call, new IllegalStateException("the PaxosClient is closed"));
      return;
    }
    deadlines.add(call);
    if (!waiting.isEmpty() || !windowOpen()) {
      waiting.add(call);
    } else {
      startCommand(call);
    }
  }

  /**
   * Whether another command may be numbered: its sequence must stay within {@code maxInFlight} of
   * the oldest unanswered one. Bounding this span, not just the count, is what keeps every
   * unanswered command's result in the cluster's deduplication table (it keeps at most {@value
   * PaxosClient#MAX_IN_FLIGHT} per client): one slow command holds the window until it completes.
   */
  private boolean windowOpen() {
    return unanswered.isEmpty() || nextSequence - unanswered.firstKey() < maxInFlight;
  }

  private void startCommand(Call call) {
    call.sequence = nextSequence++;
    unanswered.put(call.sequence, call);
    attempt(call);
  }

  void read(Call call) {
    if (closed) {
      fail(call, new IllegalStateException("the PaxosClient is closed"));
      return;
    }
    deadlines.add(call);
    reads.add(call);
    attempt(call);
  }

  private void attempt(Call call) {
    if (call.done() || closed) {
      return;
    }
    NodeConnection target = pick(call);
    if (target == null) {
      retryLater(
          call,
          (call.isCommand()
                  ? "no node is reachable ("
                  : "no node that hosts a learner is reachable (")
              + describeNodes()
              + ")");
      refreshLeader();
      return;
    }
    long callId = nextCallId++;
    call.currentAttempt = callId;
    call.attempts++;
    ClientRequest.Builder r = ClientRequest.newBuilder().setCallId(callId);
    if (call.isCommand()) {
      r.setSubmit(
          SubmitRequest.newBuilder()
              .setClientId(clientId)
              .setSequence(call.sequence)
              .setAcknowledgedBelow(unanswered.firstKey())
              .setCommand(UnsafeByteOperations.unsafeWrap(call.payload)));
    } else {
      ReadRequest.Builder read =
          ReadRequest.newBuilder()
              .setQuery(UnsafeByteOperations.unsafeWrap(call.payload))
              .setConsistency(ConsistencyWire.of(call.consistency));
      if (call.consistency == Consistency.SEQUENTIAL) {
        read.setMinSlot(seenSlot); // the client's own writes, and what it read before
      }
      r.setRead(read);
    }
    target.send(r.build(), call);
    long wait = attemptWait(call);
    long sentAt = System.nanoTime();
    loop.schedule(wait, () -> checkAnswered(call, callId, target, sentAt, wait));
  }

  /** How long an attempt of {@code call} waits for its node before suspecting it. */
  private long attemptWait(Call call) {
    return Math.max(
        MIN_ATTEMPT_TIMEOUT_NANOS, Math.min(attemptTimeoutNanos, call.timeoutNanos / 3));
  }

  /**
   * The attempt {@code callId} of {@code call}, sent to {@code target} at {@code sentAt}, has had
   * no answer for {@code wait}: if the node has answered nothing at all for the last {@code wait},
   * it is suspected and the call tried again elsewhere; if it answered something more recently, it
   * is slow, and the attempt waits until the node has been silent for {@code wait}.
   */
  private void checkAnswered(
      Call call, long callId, NodeConnection target, long sentAt, long wait) {
    if (call.done() || closed || call.currentAttempt != callId) {
      return;
    }
    long now = System.nanoTime();
    long lastAnswer = target.lastAnswerNanos;
    if (lastAnswer - sentAt > 0 && now - lastAnswer < wait) {
      // It answered since: slow, not silent. Check again once it has been silent for a whole wait
      // since that answer, not a whole wait from now, so that a node paused just after answering
      // is suspected one wait after the pause.
      long silentSince = lastAnswer;
      loop.schedule(
          wait - (now - lastAnswer), () -> checkAnswered(call, callId, target, silentSince, wait));
      return;
    }
    call.reachedANode |= target.everConnected || target.isReady();
    call.lastProblem =
        target.endpoint + ": no answer within " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms";
    suspect(target, now + 2 * wait);
    attempt(call);
  }

  /** {@code n} answers nothing: skip it until {@code untilNanos}, and ask who leads. */
  private void suspect(NodeConnection n, long untilNanos) {
    if (untilNanos - n.downUntilNanos > 0) {
      n.downUntilNanos = untilNanos;
    }
    if (leader == n) {
      leader = null;
    }
    if (sequentialNode == n) {
      sequentialNode = null;
    }
    refreshLeader();
  }

  private NodeConnection pick(Call call) {
    long now = System.nanoTime();
    if (call.isCommand()) {
      if (leader != null && !leader.isDown(now)) {
        return leader;
      }
      refreshLeader();
      NodeConnection proposer = next(now, Role.PROPOSER);
      return proposer != null ? proposer : next(now); // any node forwards to the leader
    }
    if (call.consistency == Consistency.SEQUENTIAL) {
      if (sequentialNode == null
          || sequentialNode.isDown(now)
          || !sequentialNode.roles.contains(Role.LEARNER)) {
        sequentialNode = next(now, Role.LEARNER);
      }
      return sequentialNode;
    }
    return next(now, Role.LEARNER);
  }

  /** The next node in rotation that is not down, or null. */
  private NodeConnection next(long now) {
    for (int i = 0; i < nodes.size(); i++) {
      NodeConnection n = nodes.get(Math.floorMod(cursor++, nodes.size()));
      if (!n.isDown(now)) {
        return n;
      }
    }
    return null;
  }

  /** The next node in rotation that is not down and is taken to host {@code role}, or null. */
  private NodeConnection next(long now, Role role) {
    for (int i = 0; i < nodes.size(); i++) {
      NodeConnection n = nodes.get(Math.floorMod(cursor++, nodes.size()));
      if (!n.isDown(now) && n.roles.contains(role)) {
        return n;
      }
    }
    return null;
  }

  private void retryLater(Call call, String problem) {
    call.lastProblem = problem;
    long base =
        Math.min(
            MAX_RETRY_DELAY_NANOS, TimeUnit.MILLISECONDS.toNanos(5) << Math.min(call.attempts, 10));
    long delay = base / 2 + random.nextLong(base / 2 + 1);
    loop.schedule(delay, () -> attempt(call));
  }

  @Override
  public void onReply(NodeConnection from, ClientReply reply, Call call) {
    from.failures = 0;
    from.lastAnswerNanos = System.nanoTime();
    if (call.done()) {
      return;
    }
    if (reply.hasResult()) {
      seenSlot = Math.max(seenSlot, reply.getAppliedSlot());
      // The hint of a node not taken for the leader counts only while the leader is skipped (it
      // was suspected, or failed): otherwise a stale hint would move commands off the leader.
      if (reply.getLeaderHint() != 0
          && (leader == null || leader == from || leader.isDown(System.nanoTime()))) {
        follow(from, reply.getLeaderHint());
      }
      complete(call, reply.getResult().toByteArray());
      return;
    }
    if (reply.getCallId() != call.currentAttempt) {
      return; // an older attempt failed; a newer one is under way
    }
    Error e = reply.getError();
    String problem = from.endpoint + ": " + e.getMessage();
    switch (e.getCode()) {
      case ERROR_NOT_LEADER -> redirect(call, from, e.getLeaderHint(), problem);
      case ERROR_OVERLOADED -> retryLater(call, problem);
      case ERROR_TIMEOUT -> {
        call.reachedANode = true;
        if (call.isCommand()) {
          leader = null;
          refreshLeader();
        } else if (sequentialNode == from) {
          sequentialNode = null; // it lags: with min_slot, any other node is as good
        }
        retryLater(call, problem);
      }
      case ERROR_CLOSED -> {
        markDown(from);
        call.lastProblem = problem;
        attempt(call);
      }
      case ERROR_NOT_LEARNER -> {
        // No state machine there: out of the read rotation for good. Its status names every
        // member with its roles, so learners the client was not given join the rotation.
        from.roles.remove(Role.LEARNER);
        if (sequentialNode == from) {
          sequentialNode = null;
        }
        call.lastProblem = problem;
        refreshLeader();
        attempt(call);
      }
      case ERROR_INVALID -> fail(call, new IllegalArgumentException(problem));
      case ERROR_COMMAND_FAILED ->
          fail(call, new CommandFailedException(e.getExceptionClass(), e.getMessage()));
      default -> fail(call, new IllegalStateException("node failed the call: " + problem));
    }
  }

  /**
   * {@code from}, taken for the leader (or tried while none was known), answered a command and
   * believes {@code hint} leads: send the next commands there (or find out where that node is).
   */
  private void follow(NodeConnection from, int hint) {
    NodeConnection hinted = byId.get(hint);
    if (hinted == null) {
      refreshLeader();
    } else if (!hinted.isDown(System.nanoTime())) {
      leader = hinted;
    }
  }

  private void redirect(Call call, NodeConnection from, int hint, String problem) {
    NodeConnection hinted = hint == 0 ? null : byId.get(hint);
    if (hinted != null && hinted != from) {
      leader = hinted;
      call.lastProblem = problem;
      attempt(call);
    } else {
      if (leader == from) {
        leader = null;
      }
      refreshLeader();
      retryLater(call, problem);
    }
  }

  @Override
  public void onSessionEnded(NodeConnection from, Status status, Iterable<Call> unansweredCalls) {
    markDown(from);
    String problem = from.endpoint + ": " + status.getCode() + " " + status.getDescription();
    for (Call call : unansweredCalls) {
      if (!call.done()) {
        call.reachedANode |= from.everConnected;
        call.lastProblem = problem;
        attempt(call);
      }
    }
  }

  private void markDown(NodeConnection n) {
    n.failures++;
    long base =
        Math.min(
            TimeUnit.SECONDS.toNanos(2),
            TimeUnit.MILLISECONDS.toNanos(50) << Math.min(n.failures - 1, 10));
    n.downUntilNanos = System.nanoTime() + base / 2 + random.nextLong(base / 2 + 1);
    if (leader == n) {
      leader = null;
      refreshLeader();
    }
    if (sequentialNode == n) {
      sequentialNode = null;
    }
  }

  /** Ask every node who leads, at most every 50 ms; the first that knows wins. */
  void refreshLeader() {
    long now = System.nanoTime();
    if (closed || refreshing || now - lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(50)) {
      return;
    }
    refreshing = true;
    lastRefreshNanos = now;
    int[] remaining = {nodes.size()};
    // A silent node's status request must not hold the next refresh back for long.
    long statusTimeoutMs =
        Math.min(
            STATUS_TIMEOUT_MS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(attemptTimeoutNanos)));
    for (NodeConnection n : List.copyOf(nodes)) {
      n.status(
          statusTimeoutMs,
          (reply, error) -> {
            if (--remaining[0] == 0) {
              refreshing = false;
            }
            if (reply != null) {
              StatusReplies.learn(this, n, reply);
            }
          });
    }
  }

  /** What a status reply from {@code n} taught: who it is, who leads, where the members are. */
  void learned(NodeConnection n, int nodeId, int leaderId, Map<Integer, Endpoint> members) {
    learned(n, nodeId, leaderId, members, Map.of());
  }

  /**
   * What a status reply from {@code n} taught: who it is, who leads, where the members are and
   * which roles they host (a member missing from {@code roles} keeps the roles it was taken to
   * host).
   */
  void learned(
      NodeConnection n,
      int nodeId,
      int leaderId,
      Map<Integer, Endpoint> members,
      Map<Integer, Set<Role>> roles) {
    learnedMembers(n, nodeId, leaderId, members);
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

  private void learnedMembers(
      NodeConnection n, int nodeId, int leaderId, Map<Integer, Endpoint> members) {
    byId.putIfAbsent(nodeId, n);
    for (Map.Entry<Integer, Endpoint> m : members.entrySet()) {
      if (!byId.containsKey(m.getKey()) && byEndpoint(m.getValue()) == null) {
        NodeConnection added = new NodeConnection(m.getValue(), loop, credentials, this);
        nodes.add(added);
        byId.put(m.getKey(), added);
      }
    }
    if (leaderId != 0 && byId.containsKey(leaderId)) {
      leader = byId.get(leaderId);
    }
  }

  private void expire(Call call) {
    if (call.done()) {
      return;
    }
    long now = System.nanoTime();
    // A node may hold an attempt only if a connection to it was ever made: a node still being
    // dialled, or refusing connections, has received nothing, so nothing was applied.
    boolean mayHoldAnAttempt =
        nodes.stream()
            .anyMatch(n -> n.failures == 0 && !n.isDown(now) && (n.everConnected || n.isReady()));
    if (!call.reachedANode && !mayHoldAnAttempt) {
      fail(
          call,
          new NoReachableNodeException(
              "no node of "
                  + describeNodes()
                  + " could be reached before the deadline; last problem: "
                  + call.lastProblem));
    } else {
      fail(
          call,
          new ClientDeadlineException(
              (call.isCommand()
                      ? "command "
                          + call.sequence
                          + " did not complete before its deadline; it may or may not be applied"
                      : "read did not complete before its deadline")
                  + " ("
                  + call.attempts
                  + " attempts; last problem: "
                  + call.lastProblem
                  + ")"));
    }
  }

  private void complete(Call call, byte[] result) {
    settle(call);
    call.future.complete(result);
  }

  private void fail(Call call, Throwable error) {
    settle(call);
    call.future.completeExceptionally(error);
  }

  private void settle(Call call) {
    deadlines.remove(call);
    if (!call.isCommand()) {
      reads.remove(call);
      return;
    }
    if (call.sequence == 0) {
      waiting.remove(call); // expired before it was sent
      return;
    }
    unanswered.remove(call.sequence);
    while (!waiting.isEmpty() && windowOpen()) {
      Call next = waiting.poll();
      if (!next.done()) {
        startCommand(next);
      }
    }
  }

  private String describeNodes() {
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
    NodeConnection added = new NodeConnection(endpoint, loop, credentials, this);
    nodes.add(added);
    return added;
  }

  List<NodeConnection> connections() {
    return nodes;
  }

  /** Fail every call still pending and close the connections. */
  void close() {
    closed = true;
    IllegalStateException error = new IllegalStateException("the PaxosClient is closed");
    for (Call c : List.copyOf(unanswered.values())) {
      fail(c, error);
    }
    for (Call c : List.copyOf(waiting)) {
      fail(c, error);
    }
    for (Call c : List.copyOf(reads)) {
      fail(c, error);
    }
    for (NodeConnection n : nodes) {
      n.close();
    }
  }
}
