package io.paxos.grpc.client;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.paxos.core.CommandFailedException;
import io.paxos.core.Consistency;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.Error;
import io.paxos.grpc.proto.ReadRequest;
import io.paxos.grpc.proto.SubmitRequest;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The client's calls: each attempt, when a call is tried again, and how it ends. Loop thread only.
 * Which node gets an attempt is the {@link NodeRotation}'s choice (the leader for commands, the
 * learners in turn for reads); this class tells it what the nodes answered.
 *
 * <p>A retry keeps the command's sequence number, and every attempt carries the lowest sequence
 * still without a reply ({@code acknowledgedBelow}), so the cluster applies each command once and
 * can forget old results. Every result tells the slot it reflects; the client keeps the highest it
 * has seen and sends it with each {@link Consistency#SEQUENTIAL} read ({@code min_slot}), which a
 * node answers only once it has applied that slot: so a SEQUENTIAL read sees the client's own
 * writes and never goes back in time, at whichever node it runs. A node that cannot catch up in
 * time answers with a timeout, and the next attempt goes to another node.
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
  private final SplittableRandom random;
  private final long attemptTimeoutNanos;
  private final NodeRotation rotation;
  private final TreeMap<Long, Call> unanswered = new TreeMap<>();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private final Set<Call> reads = new HashSet<>();
  private final Deadlines deadlines;
  private long nextSequence = 1;
  // The highest slot any result this client received reflects.
  private long seenSlot;
  private long nextCallId = 1;
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
    this.random = new SplittableRandom(seed);
    this.deadlines = new Deadlines(loop, this::expire);
    this.rotation =
        new NodeRotation(
            endpoints,
            e -> new NodeConnection(e, loop, credentials, this),
            random,
            this::refreshLeader);
  }

  /** The nodes, and which gets the next attempt. */
  NodeRotation rotation() {
    return rotation;
  }

  /** How many calls' deadlines are watched: the calls in progress (for tests). */
  int watchedDeadlines() {
    return deadlines.size();
  }

  /** The highest slot the results received so far reflect (for tests). */
  long seenSlot() {
    return seenSlot;
  }

  /** Send what the last burst of tasks queued. */
  void flush() {
    for (NodeConnection n : rotation.nodes()) {
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
    long now = System.nanoTime();
    NodeConnection target =
        call.isCommand() ? rotation.forCommand(now) : rotation.forRead(call.consistency, now);
    if (target == null) {
      retryLater(
          call,
          (call.isCommand()
                  ? "no node is reachable ("
                  : "no node that hosts a learner is reachable (")
              + rotation.describe()
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
    rotation.suspect(target, now + 2 * wait);
    attempt(call);
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
    long now = System.nanoTime();
    rotation.answered(from, now);
    if (call.done()) {
      return;
    }
    if (reply.hasResult()) {
      seenSlot = Math.max(seenSlot, reply.getAppliedSlot());
      rotation.resultHint(from, reply.getLeaderHint(), now);
      complete(call, reply.getResult().toByteArray());
      return;
    }
    if (reply.getCallId() != call.currentAttempt) {
      return; // an older attempt failed; a newer one is under way
    }
    Error e = reply.getError();
    String problem = from.endpoint + ": " + e.getMessage();
    switch (e.getCode()) {
      case ERROR_NOT_LEADER -> {
        if (rotation.notLeader(from, e.getLeaderHint())) {
          call.lastProblem = problem;
          attempt(call); // at once, at the leader it named
        } else {
          retryLater(call, problem);
        }
      }
      case ERROR_OVERLOADED -> retryLater(call, problem);
      case ERROR_TIMEOUT -> {
        call.reachedANode = true;
        if (call.isCommand()) {
          rotation.forgetLeader();
        } else {
          rotation.lagging(from);
        }
        retryLater(call, problem);
      }
      case ERROR_CLOSED -> {
        rotation.markDown(from, System.nanoTime());
        call.lastProblem = problem;
        attempt(call);
      }
      case ERROR_NOT_LEARNER -> {
        rotation.notLearner(from);
        call.lastProblem = problem;
        attempt(call);
      }
      case ERROR_INVALID -> fail(call, new IllegalArgumentException(problem));
      case ERROR_COMMAND_FAILED ->
          fail(call, new CommandFailedException(e.getExceptionClass(), e.getMessage()));
      default -> fail(call, new IllegalStateException("node failed the call: " + problem));
    }
  }

  @Override
  public void onSessionEnded(NodeConnection from, Status status, Iterable<Call> unansweredCalls) {
    rotation.markDown(from, System.nanoTime());
    String problem = from.endpoint + ": " + status.getCode() + " " + status.getDescription();
    for (Call call : unansweredCalls) {
      if (!call.done()) {
        call.reachedANode |= from.everConnected;
        call.lastProblem = problem;
        attempt(call);
      }
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
    List<NodeConnection> nodes = List.copyOf(rotation.nodes());
    int[] remaining = {nodes.size()};
    // A silent node's status request must not hold the next refresh back for long.
    long statusTimeoutMs =
        Math.min(
            STATUS_TIMEOUT_MS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(attemptTimeoutNanos)));
    for (NodeConnection n : nodes) {
      n.status(
          statusTimeoutMs,
          (reply, error) -> {
            if (--remaining[0] == 0) {
              refreshing = false;
            }
            if (reply != null) {
              StatusReplies.learn(rotation, n, reply);
            }
          });
    }
  }

  private void expire(Call call) {
    if (call.done()) {
      return;
    }
    // A node may hold an attempt only if a connection to it was ever made: a node still being
    // dialled, or refusing connections, has received nothing, so nothing was applied.
    if (!call.reachedANode && !rotation.anyMayHoldAnAttempt(System.nanoTime())) {
      fail(
          call,
          new NoReachableNodeException(
              "no node of "
                  + rotation.describe()
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
    for (NodeConnection n : rotation.nodes()) {
      n.close();
    }
  }
}
