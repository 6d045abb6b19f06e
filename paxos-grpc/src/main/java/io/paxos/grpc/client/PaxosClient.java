package io.paxos.grpc.client;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.TlsConfig;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a Paxos cluster over gRPC: submits commands, reads at a chosen consistency, asks for
 * the cluster's status, and changes its membership.
 *
 * <pre>{@code
 * try (PaxosClient client = PaxosClient.builder()
 *     .endpoints(Endpoint.parseList("10.0.0.1:9000,10.0.0.2:9000,10.0.0.3:9000"))
 *     .build()) {
 *   byte[] result = client.submit(command).get();
 *   byte[] value = client.read(query, Consistency.LINEARIZABLE).get();
 * }
 * }</pre>
 *
 * <p><b>Exactly once.</b> The client has a random 64-bit id and numbers its commands from 1. A
 * command whose node fails, times out or loses leadership is sent again, to the leader, with the
 * same number; the cluster applies each number once and answers a retry with the first result. A
 * command is numbered at most {@link Builder#maxInFlight} after the oldest one still without a
 * reply; later ones wait in the client, so one slow command holds back the rest until it completes
 * or its deadline passes.
 *
 * <p><b>Failover.</b> A node that answers nothing for a short while after an attempt ({@link
 * Builder#attemptTimeout}, at most a third of the call's timeout) is suspected, for instance a
 * paused leader, or one cut off from its peers while this client still reaches it: the attempt is
 * made again at another node with the same sequence number, and the client asks the nodes who leads
 * now.
 *
 * <p><b>Routing.</b> Commands go to the leader, found by asking the nodes and by following the
 * leader hints of their answers. Reads go only to nodes that host a learner (the others have no
 * state machine): the client learns the members' roles from the nodes' status, and from a node that
 * refuses a read for hosting none, and learners it was not given join its rotation, so it may be
 * given any of the nodes of a split layout. {@link Consistency#LINEARIZABLE} and {@link
 * Consistency#STALE} reads rotate over the learners; {@link Consistency#SEQUENTIAL} reads stay on
 * one learner while it answers, and see at least every slot this client has seen (its own writes
 * and earlier reads) at whichever node they run: the client sends the highest slot of its results
 * with each of them, and a node answers only once it has applied that slot.
 *
 * <p><b>Outcomes.</b> A future completes with the state machine's result, or exceptionally with
 * {@link ClientDeadlineException} (the deadline passed; a command's outcome is unknown), {@link
 * NoReachableNodeException} (no node could be reached; the command was not received), {@link
 * io.paxos.core.CommandFailedException} (the state machine threw applying the command, under the
 * nodes' {@code ApplyFailurePolicy.FAIL_COMMAND}: the same exception class and message as at the
 * node), {@link IllegalArgumentException} (the cluster refused the request as invalid, e.g. too
 * large), or {@link IllegalStateException} after {@link #close()}.
 *
 * <p><b>Threading.</b> Thread-safe; no method blocks except {@link #close()}. Futures complete on
 * the client's own thread, which also does all its networking: callbacks attached to them must not
 * block (use the {@code ...Async} variants with your own executor for slow work).
 */
public final class PaxosClient implements AutoCloseable {
  /** The most commands of one client the cluster keeps results for while they are unanswered. */
  public static final int MAX_IN_FLIGHT = 4096;

  private final long clientId;
  private final Duration timeout;
  private final ClientLoop loop;
  private final ClientEngine engine;
  private final io.grpc.ChannelCredentials credentials;
  private final List<Endpoint> seeds;
  private final java.util.Set<ClientWatch> watches =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private PaxosClient(Builder b) {
    this.clientId = b.clientId != 0 ? b.clientId : newClientId();
    this.timeout = b.timeout;
    this.loop = new ClientLoop("paxos-client-" + Long.toHexString(clientId), this::flush);
    this.credentials = TlsConfig.channelCredentials(b.tls);
    this.seeds = b.endpoints;
    this.engine =
        new ClientEngine(
            clientId,
            b.endpoints,
            b.maxInFlight,
            loop,
            credentials,
            b.seed,
            saturatedNanos(b.attemptTimeout));
    loop.start();
    loop.execute(engine::refreshLeader);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private void flush() {
    engine.flush();
  }

  private static long newClientId() {
    SecureRandom random = new SecureRandom();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  /** {@return a builder for a client} {@link Builder#endpoints} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return this client's id, random and non-zero: the cluster deduplicates its commands by it}
   */
  public long clientId() {
    return clientId;
  }

  /**
   * Replicate {@code command} and return the state machine's result, within the default timeout.
   *
   * @param command opaque bytes for the state machine; must not be changed afterwards
   * @return completes with the result, or exceptionally: {@link ClientDeadlineException} (outcome
   *     unknown), {@link NoReachableNodeException} (not applied), or a {@link
   *     io.paxos.core.PaxosException} the cluster answered with
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    return submit(command, timeout);
  }

  /**
   * Replicate {@code command}; the future fails with {@link ClientDeadlineException} if no result
   * arrived within {@code timeout}. The array must not be changed afterwards.
   *
   * @param command opaque bytes for the state machine
   * @param timeout the call's deadline, from now; positive
   * @return completes with the result, or exceptionally as {@link #submit(byte[])}'s future does
   */
  public CompletableFuture<byte[]> submit(byte[] command, Duration timeout) {
    Call call = new Call(Objects.requireNonNull(command, "command"), null, deadline(timeout));
    loop.execute(() -> engine.submit(call));
    return call.future;
  }

  /**
   * Run a read-only {@code query} at {@code consistency}, within the default timeout.
   *
   * @param query opaque bytes for the state machine's {@code query}
   * @param consistency how fresh the answer must be
   * @return completes with the answer, or exceptionally as {@link #submit(byte[])}'s future does
   */
  public CompletableFuture<byte[]> read(byte[] query, Consistency consistency) {
    return read(query, consistency, timeout);
  }

  /**
   * Run a read-only {@code query} at {@code consistency}, within {@code timeout}.
   *
   * @param query opaque bytes for the state machine's {@code query}
   * @param consistency how fresh the answer must be
   * @param timeout the call's deadline, from now; positive
   * @return completes with the answer, or exceptionally as {@link #submit(byte[])}'s future does
   */
  public CompletableFuture<byte[]> read(byte[] query, Consistency consistency, Duration timeout) {
    Objects.requireNonNull(consistency, "consistency");
    Call call = new Call(Objects.requireNonNull(query, "query"), consistency, deadline(timeout));
    loop.execute(() -> engine.read(call));
    return call.future;
  }

  /**
   * Change the cluster's membership to {@code next} (docs/membership.md): the leader proposes the
   * change and answers once it took effect there. The request goes to the leader, following the
   * hints of nodes that do not lead, and to another node when one cannot be reached, until the
   * default timeout. A request for the membership the cluster is in already completes with it, so a
   * retry after a lost answer is safe. A node to add must have been started to join first.
   *
   * @param next the new configuration: the cluster's id; a member kept keeps its roles
   * @return completes with the new membership, or exceptionally: {@link
   *     io.paxos.core.MembershipChangeException} (refused, nothing proposed: the reason says why),
   *     {@link io.paxos.core.CommandTimeoutException} or {@link ClientDeadlineException} (outcome
   *     unknown: look at {@link #status()}), {@link IllegalArgumentException} (the node could not
   *     read the request)
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<ClusterEpoch> changeMembership(ClusterConfig next) {
    return changeMembership(next, OptionalInt.empty());
  }

  /**
   * {@link #changeMembership(ClusterConfig)}, refused unless the cluster's membership is at {@code
   * fromEpoch} when the leader receives it: for a change computed from that epoch's membership (add
   * a node to it, say), which must not undo a change made meanwhile.
   *
   * @param next the new configuration
   * @param fromEpoch the epoch {@code next} was computed from ({@link ClusterStatus#membership()})
   * @return completes as {@link #changeMembership(ClusterConfig)}'s future does
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<ClusterEpoch> changeMembership(ClusterConfig next, int fromEpoch) {
    if (fromEpoch < 0) {
      throw new IllegalArgumentException("fromEpoch must not be negative, was " + fromEpoch);
    }
    return changeMembership(next, OptionalInt.of(fromEpoch));
  }

  private CompletableFuture<ClusterEpoch> changeMembership(
      ClusterConfig next, OptionalInt fromEpoch) {
    Objects.requireNonNull(next, "next");
    ChangeMembershipRequest.Builder request =
        ChangeMembershipRequest.newBuilder().setMembership(MembershipReplies.bytes(next));
    fromEpoch.ifPresent(request::setFromEpoch);
    MembershipChange change =
        new MembershipChange(engine.rotation(), loop, request.build(), deadline(timeout));
    loop.execute(change::attempt);
    return change.future;
  }

  /** {@return the status of the cluster as the first node that answers sees it} */
  public CompletableFuture<ClusterStatus> status() {
    CompletableFuture<ClusterStatus> result = new CompletableFuture<>();
    loop.execute(() -> askStatus(List.copyOf(engine.rotation().nodes()), 0, "", result));
    return result;
  }

  /**
   * {@return the status of the cluster as the node at {@code endpoint} sees it, connecting to that
   * node if this client does not know it yet (it then stays among the nodes the client uses)} Fails
   * with {@link NoReachableNodeException} if that node does not answer within the default timeout;
   * no other node is asked.
   *
   * @param endpoint the node to ask
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<ClusterStatus> status(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (closed) {
      throw new IllegalStateException("the PaxosClient is closed");
    }
    CompletableFuture<ClusterStatus> result = new CompletableFuture<>();
    loop.execute(() -> askStatus(List.of(engine.rotation().connection(endpoint)), 0, "", result));
    return result;
  }

  private void askStatus(
      List<NodeConnection> nodes, int i, String problems, CompletableFuture<ClusterStatus> result) {
    if (i == nodes.size()) {
      result.completeExceptionally(
          new NoReachableNodeException("no node answered a status request:" + problems));
      return;
    }
    NodeConnection n = nodes.get(i);
    n.status(
        timeout.toMillis(),
        (reply, error) -> {
          if (reply != null) {
            StatusReplies.learn(engine.rotation(), n, reply);
            result.complete(StatusReplies.toStatus(reply));
          } else {
            askStatus(
                nodes, i + 1, problems + " " + n.endpoint + ": " + error.getMessage(), result);
          }
        });
  }

  /**
   * Watch the commands the cluster applies, from {@code fromSlot} on ({@link WatchListener}): the
   * client streams them from one node and, when that node fails or closes, resumes at the next node
   * it knows from the slot after the last one reported, so that each applied slot is reported once,
   * in order, across failovers and leader changes. A node that has not applied a slot yet sends it
   * once it has; a node cut off from the cluster stops applying, and the watch waits on it until it
   * fails. The nodes must keep a watch history ({@code PaxosNodeBuilder.watchHistory}).
   *
   * @param fromSlot the first slot to report (0: from the first; to resume a watch, its {@link
   *     ClientWatch#nextSlot()})
   * @param listener told of each applied slot and of the watch's end, on the watch's own thread
   * @return the watch, owned by the caller, who closes it
   * @throws IllegalArgumentException if {@code fromSlot} is negative
   * @throws IllegalStateException if the client is closed
   */
  public ClientWatch watch(long fromSlot, WatchListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (fromSlot < 0) {
      throw new IllegalArgumentException("fromSlot must not be negative, was " + fromSlot);
    }
    if (closed) {
      throw new IllegalStateException("the PaxosClient is closed");
    }
    ClientWatch[] self = new ClientWatch[1];
    ClientWatch w =
        new ClientWatch(
            fromSlot, this::knownNodes, credentials, listener, () -> watches.remove(self[0]));
    self[0] = w;
    watches.add(w);
    w.start();
    return w;
  }

  /** The nodes this client knows now (learned from status answers), or the ones it was given. */
  private List<Endpoint> knownNodes() {
    CompletableFuture<List<Endpoint>> known = new CompletableFuture<>();
    loop.execute(
        () -> known.complete(engine.rotation().nodes().stream().map(c -> c.endpoint).toList()));
    try {
      List<Endpoint> nodes = known.get(1, java.util.concurrent.TimeUnit.SECONDS);
      return nodes.isEmpty() ? seeds : nodes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return seeds;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return seeds;
    }
  }

  private long deadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (closed) {
      throw new IllegalStateException("the PaxosClient is closed");
    }
    return System.nanoTime() + timeout.toNanos();
  }

  /** Fail whatever is pending, close the connections and stop the client's thread. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List.copyOf(watches).forEach(ClientWatch::close);
    loop.execute(engine::close);
    loop.stop();
    for (NodeConnection n : engine.rotation().nodes()) {
      try {
        n.awaitClosed();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Settings of a {@link PaxosClient}. */
  public static final class Builder {
    private List<Endpoint> endpoints = List.of();
    private Optional<TlsConfig> tls = Optional.empty();
    private Duration timeout = Duration.ofSeconds(10);
    private Duration attemptTimeout = Duration.ofNanos(ClientEngine.DEFAULT_ATTEMPT_TIMEOUT_NANOS);
    private int maxInFlight = MAX_IN_FLIGHT;
    private long clientId;
    private long seed = System.nanoTime();

    private Builder() {}

    /**
     * Sets some or all nodes of the cluster (required); the client learns the others from them.
     *
     * @param endpoints at least one node's address
     * @return this builder
     * @throws IllegalArgumentException if {@code endpoints} is empty
     */
    public Builder endpoints(List<Endpoint> endpoints) {
      Objects.requireNonNull(endpoints, "endpoints");
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("give at least one endpoint of the cluster");
      }
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    /**
     * Connect with TLS (verifying the nodes' certificates), instead of plaintext.
     *
     * @param tls usually {@link TlsConfig#client}, with {@link TlsConfig#withIdentity} for nodes
     *     that require client certificates
     * @return this builder
     */
    public Builder tls(TlsConfig tls) {
      this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
      return this;
    }

    /**
     * Sets the default deadline of a call, from the moment it is made; 10 seconds by default.
     *
     * @param timeout the deadline, positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how long a node may answer nothing at all after an attempt before the client suspects it
     * (it is paused, or a leader cut off from its peers) and makes the attempt again, with the same
     * sequence number, at another node, asking the nodes who leads; 500 ms by default. An attempt
     * waits at most a third of its call's timeout, so a call gets at least three attempts. A node
     * that answers other calls meanwhile is slow, not silent, and is not suspected; a retry that
     * reaches a follower during an election waits there for the new leader. Shorter values fail
     * over sooner and retry more under load.
     *
     * @param attemptTimeout the silence after which an attempt moves on, positive
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
        throw new IllegalArgumentException(
            "attemptTimeout must be positive, was " + attemptTimeout);
      }
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * Sets how far ahead of the oldest command without a reply a new command may be numbered (so
     * also the most commands without a reply), at most {@link PaxosClient#MAX_IN_FLIGHT}.
     *
     * @param commands from 1 to {@link PaxosClient#MAX_IN_FLIGHT}
     * @return this builder
     */
    public Builder maxInFlight(int commands) {
      if (commands < 1 || commands > MAX_IN_FLIGHT) {
        throw new IllegalArgumentException(
            "maxInFlight must be between 1 and " + MAX_IN_FLIGHT + ", was " + commands);
      }
      this.maxInFlight = commands;
      return this;
    }

    /**
     * Sets the seed of the retry jitter, for reproducible tests.
     *
     * @param seed the seed; defaults to {@code System.nanoTime()}
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * {@return the client, connecting to the nodes as calls need them}
     *
     * @throws IllegalStateException if no endpoints were given
     */
    public PaxosClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException(
            "endpoints(...) is required: where the cluster's nodes are");
      }
      return new PaxosClient(this);
    }
  }
}
