package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.stub.StreamObserver;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.grpc.proto.MemberStatus;
import io.paxos.grpc.proto.StatusReply;
import io.paxos.grpc.proto.StatusRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link GrpcTransport#membershipChanged} on loopback, called directly as the runtime would: links
 * open to new members (at the address their {@link Member#address()} gives), a removed member's
 * link closes after its grace and not before, a moved member is reached at its new address, and
 * nodes of different epochs reach each other while a non-member of the same epoch is refused. Every
 * peer proves a cluster secret, so the Welcome's proof is checked across epochs too.
 *
 * <p>No timing is asserted: every wait ends as soon as what it awaits happened, bounded by {@link
 * #PATIENCE}.
 */
class GrpcTransportMembershipTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Endpoint NOWHERE = new Endpoint("127.0.0.1", 1);
  private static final ClusterSecret SECRET =
      ClusterSecret.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
  private static final ClusterConfig EPOCH0 = ClusterConfig.of("dyn", 1, 2, 3);

  private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
  private long nextTag = 1;

  /** One started transport and what it received. */
  private record Node(
      int id, PaxosServer server, GrpcTransport transport, LinkedBlockingQueue<PeerMessage> inbox) {
    Endpoint endpoint() {
      return new Endpoint("127.0.0.1", server.port());
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    List<AutoCloseable> all = new ArrayList<>(started);
    Collections.reverse(all);
    for (AutoCloseable c : all) {
      c.close();
    }
  }

  private PaxosServer server(ClusterConfig config, int id) {
    PaxosServer s =
        PaxosServer.builder()
            .config(config)
            .nodeId(id)
            .listen("127.0.0.1", 0)
            .clusterSecret(SECRET)
            .start();
    started.add(s);
    return s;
  }

  /** Start node {@code server}'s transport, reaching {@code peers}. */
  private Node node(PaxosServer server, Map<Integer, Endpoint> peers, Duration grace) {
    GrpcTransport t =
        GrpcTransport.builder()
            .server(server)
            .peers(peers)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .removedPeerGrace(grace)
            .seed(server.nodeId())
            .build();
    started.add(t);
    LinkedBlockingQueue<PeerMessage> inbox = new LinkedBlockingQueue<>();
    t.start(inbox::add);
    return new Node(server.nodeId(), server, t, inbox);
  }

  /** Every member of {@code config} at {@code NOWHERE}, but those given. */
  private static Map<Integer, Endpoint> peers(ClusterConfig config, Node... at) {
    Map<Integer, Endpoint> peers = new TreeMap<>();
    for (int id : config.ids()) {
      peers.put(id, NOWHERE);
    }
    for (Node n : at) {
      peers.put(n.id(), n.endpoint());
    }
    return peers;
  }

  private static Message probe(int from, long tag) {
    return new Message.Heartbeat(from, new Ballot(1, from), 1, tag);
  }

  /** Send probes from {@code from} to {@code to} until one arrives; true if one did in time. */
  private boolean delivers(Node from, Node to) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      long tag = nextTag++;
      from.transport().send(to.id(), probe(from.id(), tag));
      from.transport().flush();
      PeerMessage m;
      while ((m = to.inbox().poll(50, TimeUnit.MILLISECONDS)) != null) {
        if (m instanceof Message.Heartbeat h && h.sequence() == tag && h.from() == from.id()) {
          return true;
        }
      }
    }
    return false;
  }

  private static ClusterConfig config(Member... members) {
    return ClusterConfig.withMajorities("dyn", List.of(members));
  }

  @Test
  @DisplayName(
      "a member new in the configuration, whose address only its Member.address gives, is reached;"
          + " the server's configuration, epoch and status follow")
  void newMemberIsReachedAtItsMemberAddress() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    Node n1 = node(s1, peers(EPOCH0), GrpcTransport.DEFAULT_REMOVED_PEER_GRACE);
    PaxosServer s4 = server(EPOCH0, 4, true);
    Node n4 = node(s4, peers(EPOCH0, n1), Duration.ZERO);
    ClusterConfig epoch1 =
        config(
            Member.allRoles(1),
            Member.allRoles(2),
            Member.allRoles(3),
            Member.allRoles(4).withAddress("127.0.0.1:" + s4.port()));
    n4.transport().membershipChanged(epoch1, 1);

    long dropped = n1.transport().dropped();
    n1.transport().send(4, probe(1, 0));
    assertThat(n1.transport().dropped()).as("no link to 4 yet").isEqualTo(dropped + 1);
    assertThat(n1.transport().linkedPeers()).containsExactly(2, 3);

    n1.transport().membershipChanged(epoch1, 1);
    assertThat(n1.transport().linkedPeers()).containsExactly(2, 3, 4);
    assertThat(n1.transport().memberAddresses()).containsEntry(4, "127.0.0.1:" + s4.port());
    assertThat(n1.transport().addresses()).containsKey(4);
    assertThat(s1.config()).isEqualTo(epoch1);
    assertThat(s1.epoch()).isEqualTo(1);
    assertThat(delivers(n1, n4)).isTrue();

    StatusReply status = status(s1);
    assertThat(status.getMembersList()).extracting(MemberStatus::getNodeId).contains(4);
    assertThat(status.getMembersList().stream().filter(m -> m.getNodeId() == 4).findFirst())
        .hasValueSatisfying(m -> assertThat(m.getEndpoint()).isEqualTo("127.0.0.1:" + s4.port()));

    // An older epoch afterwards is ignored.
    n1.transport().membershipChanged(EPOCH0, 0);
    assertThat(s1.epoch()).isEqualTo(1);
    assertThat(n1.transport().linkedPeers()).containsExactly(2, 3, 4);
  }

  @Test
  @DisplayName(
      "a removed member's link stays for its grace (what is queued still leaves) and then closes:"
          + " the removed node sees the stream end, and later sends are dropped")
  void removedMembersLinkClosesAfterItsGrace() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    PaxosServer s2 = server(EPOCH0, 2);
    Node n2 = node(s2, peers(EPOCH0), Duration.ZERO);
    Node n1 = node(s1, peers(EPOCH0, n2), Duration.ofMillis(300));
    assertThat(delivers(n1, n2)).isTrue();
    PeerLink link = n1.transport().link(2).orElseThrow();
    assertThat(s2.peerInbound().connected(1)).isTrue();

    n1.transport().membershipChanged(ClusterConfig.of("dyn", 1, 3), 1);
    assertThat(n1.transport().memberAddresses()).doesNotContainKey(2);
    Awaitility.await()
        .atMost(PATIENCE)
        .until(() -> n1.transport().link(2).isEmpty() && !s2.peerInbound().connected(1));
    assertThat(link.isClosed()).isTrue();
    assertThat(n1.transport().linkedPeers()).containsExactly(3);
    long dropped = n1.transport().dropped();
    n1.transport().send(2, probe(1, 0));
    assertThat(n1.transport().dropped()).isEqualTo(dropped + 1);
  }

  @Test
  @DisplayName(
      "within its grace a removed member is still sent to, and a member added back keeps its link"
          + " and is never closed")
  void removedMemberWithinItsGrace() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    PaxosServer s2 = server(EPOCH0, 2);
    Node n2 = node(s2, peers(EPOCH0), Duration.ZERO);
    Node n1 = node(s1, peers(EPOCH0, n2), Duration.ofHours(1));
    assertThat(delivers(n1, n2)).isTrue();
    PeerLink link = n1.transport().link(2).orElseThrow();

    n1.transport().membershipChanged(ClusterConfig.of("dyn", 1, 3), 1);
    assertThat(n1.transport().link(2)).containsSame(link);
    assertThat(delivers(n1, n2)).as("the removed node still hears within the grace").isTrue();

    assertThat(n1.transport().closingPeers()).containsExactly(2);

    n1.transport().membershipChanged(EPOCH0, 2);
    assertThat(n1.transport().closingPeers()).isEmpty();
    assertThat(n1.transport().link(2)).containsSame(link);
    assertThat(link.isClosed()).isFalse();
    assertThat(delivers(n1, n2)).isTrue();

    // A member added with its own address, removed, then added back without one (and none
    // configured) keeps the link it had, and it is no longer closing.
    Member four = Member.allRoles(4);
    n1.transport()
        .membershipChanged(
            config(Member.allRoles(1), Member.allRoles(2), four.withAddress("127.0.0.1:4")), 3);
    PeerLink toFour = n1.transport().link(4).orElseThrow();
    n1.transport().membershipChanged(EPOCH0, 4);
    assertThat(n1.transport().closingPeers()).containsExactly(4);
    n1.transport().membershipChanged(config(Member.allRoles(1), Member.allRoles(2), four), 5);
    assertThat(n1.transport().closingPeers()).as("4 is a member again").containsExactly(3);
    assertThat(n1.transport().link(4)).containsSame(toFour);
  }

  @Test
  @DisplayName(
      "a member whose address changes is reached at the new one, and its old link closes; a"
          + " member with no address, or one that does not parse, is skipped without a throw")
  void movedAndUnreachableMembers() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    PaxosServer s2 = server(EPOCH0, 2);
    PaxosServer moved = server(EPOCH0, 2);
    Node n2 = node(s2, peers(EPOCH0), Duration.ZERO);
    Node n2moved = node(moved, peers(EPOCH0), Duration.ZERO);
    Node n1 = node(s1, peers(EPOCH0, n2), Duration.ofHours(1));
    assertThat(delivers(n1, n2)).isTrue();
    PeerLink old = n1.transport().link(2).orElseThrow();

    ClusterConfig epoch1 =
        config(
            Member.allRoles(1),
            Member.allRoles(2).withAddress("127.0.0.1:" + moved.port()),
            Member.allRoles(3),
            Member.allRoles(6),
            Member.allRoles(7).withAddress("no-port-here"));
    assertThatCode(() -> n1.transport().membershipChanged(epoch1, 1)).doesNotThrowAnyException();
    assertThat(old.isClosed()).isTrue();
    assertThat(n1.transport().link(2).orElseThrow().endpoint()).isEqualTo(n2moved.endpoint());
    assertThat(n1.transport().linkedPeers()).containsExactly(2, 3);
    assertThat(delivers(n1, n2moved)).isTrue();
    long dropped = n1.transport().dropped();
    n1.transport().send(6, probe(1, 0));
    n1.transport().send(7, probe(1, 0));
    assertThat(n1.transport().dropped()).isEqualTo(dropped + 2);
  }

  @Test
  @DisplayName(
      "a node of a later epoch, not a member here, is heard; a node of the same epoch that is not"
          + " a member is refused, and so is one whose fingerprint differs")
  void handshakeAcrossEpochs() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    Node n1 = node(s1, peers(EPOCH0), Duration.ZERO);

    ClusterConfig epoch1 = ClusterConfig.of("dyn", 1, 2, 3, 4);
    Node n4 = node(server(epoch1, 4), peers(epoch1, n1), Duration.ZERO);
    n4.transport().membershipChanged(epoch1, 1);
    assertThat(delivers(n4, n1)).as("epoch 1 to epoch 0, a non-member there").isTrue();

    long refused = s1.refusedPeerStreams();
    ClusterConfig other = ClusterConfig.of("dyn", 1, 2, 3, 5);
    Node n5 = node(server(other, 5), peers(other, n1), Duration.ZERO);
    n5.transport().send(1, probe(5, 0));
    n5.transport().flush();
    ClusterConfig quorums = new ClusterConfig("dyn", EPOCH0.members(), 3, 1);
    Node n2 = node(server(quorums, 2), peers(quorums, n1), Duration.ZERO);
    n2.transport().send(1, probe(2, 0));
    n2.transport().flush();
    Awaitility.await().atMost(PATIENCE).until(() -> s1.refusedPeerStreams() >= refused + 2);
    assertThat(n1.inbox()).noneMatch(m -> m.from() == 5 || m.from() == 2);
    assertThat(s1.peerInbound().connected(5)).isFalse();
    assertThat(s1.peerInbound().connected(2)).isFalse();
  }

  @Test
  @DisplayName(
      "a joining node, in no membership yet, is heard; once a member it no longer says it joins")
  void joiningNodeIsHeard() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    Node n1 = node(s1, peers(EPOCH0), Duration.ZERO);
    PaxosServer s9 = server(EPOCH0, 9, true);
    Node n9 = node(s9, peers(EPOCH0, n1), Duration.ZERO);
    assertThat(s9.peerHandshake().joining()).isTrue();
    assertThat(delivers(n9, n1)).isTrue();

    ClusterConfig epoch1 =
        config(
            Member.allRoles(1),
            Member.allRoles(2),
            Member.allRoles(3),
            Member.of(9, io.paxos.core.config.Role.LEARNER).withAddress("127.0.0.1:" + s9.port()));
    n9.transport().membershipChanged(epoch1, 1);
    assertThat(s9.peerHandshake().joining()).isFalse();
    n1.transport().membershipChanged(epoch1, 1);
    assertThat(delivers(n1, n9)).isTrue();
  }

  @Test
  @DisplayName(
      "sends from other threads while the membership changes hundreds of times never throw, and"
          + " the member kept throughout still hears")
  void sendsDuringChangesAreSafe() throws Exception {
    PaxosServer s1 = server(EPOCH0, 1);
    PaxosServer s2 = server(EPOCH0, 2);
    Node n2 = node(s2, peers(EPOCH0), Duration.ZERO);
    Node n1 = node(s1, peers(EPOCH0, n2), Duration.ZERO);
    assertThat(delivers(n1, n2)).isTrue();
    ClusterConfig withFour =
        config(
            Member.allRoles(1),
            Member.allRoles(2),
            Member.allRoles(3),
            Member.allRoles(4).withAddress("127.0.0.1:1"));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  long tag = -1;
                  while (!stop.get()) {
                    for (int to = 2; to <= 4; to++) {
                      n1.transport().send(to, probe(1, tag--));
                    }
                    n1.transport().flush();
                    n1.transport().dropped();
                    n1.transport().memberAddresses();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      thread.start();
      senders.add(thread);
    }
    try {
      for (int epoch = 1; epoch <= 300; epoch++) {
        n1.transport().membershipChanged(epoch % 2 == 1 ? withFour : EPOCH0, epoch);
      }
    } finally {
      stop.set(true);
      for (Thread thread : senders) {
        thread.join();
      }
    }
    assertThat(failure.get()).isNull();
    assertThat(s1.epoch()).isEqualTo(300);
    Awaitility.await().atMost(PATIENCE).until(() -> n1.transport().link(4).isEmpty());
    assertThat(delivers(n1, n2)).isTrue();
  }

  @Test
  @DisplayName(
      "the builder takes a member's address from its Member.address, which wins over peers(...);"
          + " a member with neither, or a non-member in peers(...), is refused; a non-member"
          + " server needs joining")
  void builderTakesAddressesFromTheConfiguration() {
    ClusterConfig addressed =
        config(
            Member.allRoles(1),
            Member.allRoles(2).withAddress("127.0.0.1:2"),
            Member.allRoles(3).withAddress("127.0.0.1:3"));
    PaxosServer s1 = server(addressed, 1);
    GrpcTransport t =
        GrpcTransport.builder().server(s1).peers(Map.of(1, NOWHERE, 3, NOWHERE)).build();
    started.add(t);
    assertThat(t.link(2).orElseThrow().endpoint()).isEqualTo(new Endpoint("127.0.0.1", 2));
    assertThat(t.link(3).orElseThrow().endpoint()).isEqualTo(new Endpoint("127.0.0.1", 3));
    PaxosServer s2 = server(EPOCH0, 1);
    assertThatThrownBy(() -> GrpcTransport.builder().server(s2).peers(Map.of(2, NOWHERE)).build())
        .hasMessageContaining("no address for member 3");
    assertThatThrownBy(
            () ->
                GrpcTransport.builder()
                    .server(s2)
                    .peers(Map.of(2, NOWHERE, 3, NOWHERE, 8, NOWHERE))
                    .build())
        .hasMessageContaining("names node 8");
    assertThatThrownBy(
            () -> PaxosServer.builder().config(EPOCH0).nodeId(9).listen("127.0.0.1", 0).start())
        .hasMessageContaining("not a member")
        .hasMessageContaining("joining");
  }

  private PaxosServer server(ClusterConfig config, int id, boolean joining) {
    PaxosServer s =
        PaxosServer.builder()
            .config(config)
            .nodeId(id)
            .listen("127.0.0.1", 0)
            .clusterSecret(SECRET)
            .joining(joining)
            .start();
    started.add(s);
    return s;
  }

  private static StatusReply status(PaxosServer server) {
    AtomicReference<StatusReply> reply = new AtomicReference<>();
    server
        .clientService()
        .status(
            StatusRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(StatusReply value) {
                reply.set(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    return reply.get();
  }
}
