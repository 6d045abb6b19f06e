package io.paxos.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.paxos.core.CommandTimeoutException;
import io.paxos.core.SlotResult;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.NodeStatus;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.proto.ChangeMembershipReply;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import io.paxos.grpc.proto.ClientFrame;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.EpochMembership;
import io.paxos.grpc.proto.ErrorCode;
import io.paxos.grpc.proto.MemberStatus;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.ReadRequest;
import io.paxos.grpc.proto.SchemaVersion;
import io.paxos.grpc.proto.ServerFrame;
import io.paxos.grpc.proto.StatusReply;
import io.paxos.grpc.proto.StatusRequest;
import io.paxos.grpc.proto.SubmitRequest;
import io.paxos.grpc.proto.WatchFrame;
import io.paxos.grpc.proto.WatchRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The client service of one node: commands of client sessions (deduplicated by client id and
 * sequence), reads at a chosen consistency, and the node's view of the cluster.
 *
 * <p><b>Threading.</b> Requests are handled on gRPC's network threads and only hand work to the
 * node, which never blocks; replies are written by one writer thread per server.
 */
final class ClientService extends PaxosClientServiceGrpc.PaxosClientServiceImplBase {
  /** How long a read waits here for the slot the client has seen before it answers a timeout. */
  static final Duration MIN_SLOT_WAIT = Duration.ofSeconds(2);

  private final int nodeId;
  // The current membership and the members' addresses, replaced together at each epoch. Without a
  // learner there is no state machine to read: reads are refused as ERROR_NOT_LEARNER, which tells
  // a client to take this node out of its read rotation.
  private volatile Members members;
  private final ExecutorService writer;
  private final ExecutorService watchers;
  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile PaxosNode node;

  /**
   * One epoch's configuration, the members' addresses, and whether this node is a learner in it.
   */
  private record Members(ClusterConfig config, Map<Integer, Endpoint> addresses, boolean learner) {
    static Members of(ClusterConfig config, Map<Integer, Endpoint> addresses, int nodeId) {
      return new Members(
          config,
          Map.copyOf(addresses),
          config.member(nodeId).map(m -> m.has(Role.LEARNER)).orElse(false));
    }
  }

  ClientService(ClusterConfig config, int nodeId) {
    this.members = Members.of(config, Map.of(), nodeId);
    this.nodeId = nodeId;
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "paxos-client-replies-" + nodeId);
              t.setDaemon(true);
              return t;
            });
    this.watchers =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "paxos-watch-" + nodeId);
              t.setDaemon(true);
              return t;
            });
  }

  void attach(PaxosNode node) {
    if (node.id() != nodeId) {
      throw new IllegalArgumentException(
          "this server is node " + nodeId + "'s; it cannot serve node " + node.id());
    }
    this.node = node;
  }

  /** The members' addresses, reported in the status. */
  void addresses(Map<Integer, Endpoint> addresses) {
    membership(members.config(), addresses);
  }

  /** The membership changed: status, leader hints and read routing follow {@code config}. */
  void membership(ClusterConfig config, Map<Integer, Endpoint> addresses) {
    this.members = Members.of(config, addresses, nodeId);
  }

  void stop() {
    for (ClientSession s : sessions) {
      s.close(Status.UNAVAILABLE.withDescription("node " + nodeId + " is closing"));
    }
    writer.shutdownNow();
    watchers.shutdownNow();
  }

  /** Client session streams open now. */
  int openSessions() {
    return sessions.size();
  }

  void forget(ClientSession session) {
    sessions.remove(session);
  }

  @Override
  public StreamObserver<ClientFrame> session(StreamObserver<ServerFrame> responses) {
    ClientSession s =
        new ClientSession(this, (ServerCallStreamObserver<ServerFrame>) responses, writer);
    sessions.add(s);
    return s;
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<ClientReply> responses) {
    handle(ClientRequest.newBuilder().setSubmit(request).build(), unary(responses));
  }

  @Override
  public void read(ReadRequest request, StreamObserver<ClientReply> responses) {
    handle(ClientRequest.newBuilder().setRead(request).build(), unary(responses));
  }

  private static Consumer<ClientReply> unary(StreamObserver<ClientReply> responses) {
    return reply -> {
      responses.onNext(reply);
      responses.onCompleted();
    };
  }

  /**
   * Hand a frame's {@code requests} to the node together (it takes them in one turn); {@code reply}
   * gets each outcome, on any thread.
   */
  void handleAll(List<ClientRequest> requests, Consumer<ClientReply> reply) {
    PaxosNode n = node;
    if (n == null || requests.size() == 1) {
      requests.forEach(r -> handle(r, reply));
      return;
    }
    n.submitTogether(() -> requests.forEach(r -> handle(r, reply)));
  }

  /** Hand {@code request} to the node; {@code reply} gets its outcome, on any thread. */
  void handle(ClientRequest request, Consumer<ClientReply> reply) {
    long callId = request.getCallId();
    PaxosNode n = node;
    if (n == null) {
      reply.accept(
          ClientReplies.error(
              callId, ErrorCode.ERROR_CLOSED, "node " + nodeId + " is starting", 0));
      return;
    }
    CompletableFuture<SlotResult> future;
    try {
      if (request.hasSubmit()) {
        SubmitRequest s = request.getSubmit();
        future =
            n.submitWithSlot(
                s.getClientId(),
                s.getSequence(),
                s.getAcknowledgedBelow(),
                s.getCommand().toByteArray());
      } else if (request.hasRead() && !members.learner()) {
        reply.accept(ClientReplies.notLearner(callId, members.config(), nodeId));
        return;
      } else if (request.hasRead()) {
        ReadRequest r = request.getRead();
        future =
            n.read(
                r.getQuery().toByteArray(),
                ClientReplies.consistency(r.getConsistency()),
                r.getMinSlot());
        if (r.getMinSlot() > 0 && r.getMinSlot() > n.status().appliedSlot()) {
          future = boundWait(future, r.getMinSlot());
        }
      } else {
        throw new IllegalArgumentException("the request carries neither a command nor a read");
      }
    } catch (RuntimeException e) {
      reply.accept(ClientReplies.outcome(callId, null, e));
      return;
    }
    boolean command = request.hasSubmit();
    future.whenComplete(
        (result, error) ->
            reply.accept(
                error == null
                    ? ClientReplies.result(
                        callId, result.result(), command ? leaderHint(n) : 0, result.slot())
                    : ClientReplies.outcome(callId, null, error)));
  }

  /**
   * {@code read}, failed as timed out if this node has not applied {@code minSlot} within {@link
   * #MIN_SLOT_WAIT}: the client then tries another node, well before its deadline.
   */
  private CompletableFuture<SlotResult> boundWait(
      CompletableFuture<SlotResult> read, long minSlot) {
    return read.orTimeout(MIN_SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    e instanceof TimeoutException
                        ? new CommandTimeoutException(
                            "node "
                                + nodeId
                                + " has not applied slot "
                                + minSlot
                                + " within "
                                + MIN_SLOT_WAIT.toMillis()
                                + " ms; read at another node")
                        : e));
  }

  /**
   * The leader, if another node leads: a command served by a follower tells the client where to
   * send its next ones, instead of having them forwarded.
   */
  private int leaderHint(PaxosNode n) {
    int leader = n.isLeader() ? 0 : n.leaderId().orElse(0);
    return leader == nodeId ? 0 : leader;
  }

  /**
   * Stream the node's applied commands from {@code request.from_slot} ({@link WatchStream}); the
   * stream ends as the proto's {@code Watch} says.
   */
  @Override
  public void watch(WatchRequest request, StreamObserver<WatchFrame> responses) {
    ServerCallStreamObserver<WatchFrame> call = (ServerCallStreamObserver<WatchFrame>) responses;
    PaxosNode n = node;
    if (n == null) {
      ServerStreams.end(
          call, Status.UNAVAILABLE.withDescription("node " + nodeId + " is starting"));
      return;
    }
    io.paxos.core.Watch watch;
    try {
      watch = n.watch(request.getFromSlot());
    } catch (io.paxos.core.SlotUnavailableException e) {
      call.onNext(WatchStream.unavailable(e));
      ServerStreams.end(call, Status.OK);
      return;
    } catch (IllegalArgumentException e) {
      ServerStreams.end(call, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
      return;
    } catch (IllegalStateException e) {
      ServerStreams.end(call, Status.FAILED_PRECONDITION.withDescription(e.getMessage()));
      return;
    } catch (io.paxos.core.NodeClosedException e) {
      ServerStreams.end(call, Status.UNAVAILABLE.withDescription(e.getMessage()));
      return;
    }
    WatchStream.start(watch, call, watchers);
  }

  /** Change the membership at the leader ({@link MembershipCalls}). */
  @Override
  public void changeMembership(
      ChangeMembershipRequest request, StreamObserver<ChangeMembershipReply> responses) {
    MembershipCalls.handle(
        node,
        nodeId,
        request,
        reply -> {
          responses.onNext(reply);
          responses.onCompleted();
        });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusReply> responses) {
    Members current = members; // one epoch's view for the whole reply
    ClusterConfig config = current.config();
    StatusReply.Builder b =
        StatusReply.newBuilder()
            .setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1)
            .setClusterId(config.clusterId())
            .setNodeId(nodeId);
    PaxosNode n = node;
    if (n != null) {
      NodeStatus s = n.status();
      b.setLeader(s.leader())
          .setLeaderId(s.leaderHint().orElse(0))
          .setCommitSlot(s.commitSlot())
          .setAppliedSlot(s.appliedSlot())
          .setFailure(s.failure().orElse(""))
          .setLearnerOnly(s.learnerOnly());
      s.stateHash().ifPresent(h -> b.setStateHash(h.hash()).setStateHashSlot(h.appliedSlot()));
      if (!s.term().isNone()) {
        b.setBallot(MessageCodec.ballot(s.term()));
      }
      EpochMembership epoch = MembershipCalls.epoch(n.membership());
      b.setEpoch(epoch.getEpoch())
          .setEpochFirstSlot(epoch.getFirstSlot())
          .setMembership(epoch.getMembership());
    } else {
      b.setFailure("node " + nodeId + " is starting");
    }
    Map<Integer, Endpoint> known = current.addresses();
    for (Member m : config.members()) {
      MemberStatus.Builder ms = MemberStatus.newBuilder().setNodeId(m.id());
      for (Role role : Role.values()) {
        if (m.has(role)) {
          ms.addRoles(io.paxos.grpc.proto.Role.forNumber(role.ordinal() + 1));
        }
      }
      Endpoint e = known.get(m.id());
      if (e != null) {
        ms.setEndpoint(e.toString());
      }
      b.addMembers(ms);
    }
    responses.onNext(b.build());
    responses.onCompleted();
  }
}
