package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.Prepare;
import io.paxos.grpc.proto.SchemaVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input sent to a node's port (random bytes, truncated frames, over-size frames, a wrong
 * cluster, a wrong node): each is refused, and the node keeps serving its peers and clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
  private static final int MAX_INBOUND = 64 * 1024;

  /**
   * Three nodes and a learner, 4, that the test plays: in plaintext without a cluster secret, a
   * stream claiming a member that is already connected is refused, so hostile frames come from a
   * member that is not.
   */
  private static final int PLAYED = 4;

  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities(
          "hostile",
          List.of(
              Member.allRoles(1),
              Member.allRoles(2),
              Member.allRoles(3),
              Member.of(PLAYED, Role.LEARNER)));

  private GrpcCluster cluster;
  private PaxosClient client;
  private ManagedChannel channel;
  private PaxosServer target;
  private long nextCommand;

  @BeforeAll
  void startCluster() {
    cluster =
        new GrpcCluster(
            CONFIG,
            // Messages the nodes build must fit the servers' small inbound limit.
            GrpcCluster.FAST.toBuilder()
                .maxCommandBytes(MAX_INBOUND / 2)
                .maxMessageBytes(MAX_INBOUND)
                .build(),
            id -> Optional.empty(),
            b -> b.maxInboundMessageBytes(MAX_INBOUND),
            PLAYED);
    client =
        PaxosClient.builder()
            .endpoints(cluster.endpoints())
            .timeout(Duration.ofSeconds(30))
            .seed(3)
            .build();
    cluster.awaitLeader();
    target = cluster.server(cluster.awaitLeader().id());
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", target.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    client.close();
    cluster.close();
  }

  @AfterEach
  void clusterStillServes() throws Exception {
    for (int i = 0; i < 20; i++) {
      client.submit(LogStateMachine.command(nextCommand++)).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName(
      "a stream from another cluster, an unknown node, or meant for another node is refused")
  void wrongHandshakesAreRefused() throws Exception {
    int leaderId = target.nodeId();
    int other = leaderId == 1 ? 2 : 1;
    long before = target.refusedPeerStreams();
    Hello good = hello("hostile", PLAYED, leaderId);
    Hello[] bad = {
      good.toBuilder().setClusterId("another-cluster").build(),
      good.toBuilder().setClusterId("x".repeat(MAX_INBOUND / 2)).build(),
      good.toBuilder().setNodeId(42).build(),
      good.toBuilder().setNodeId(leaderId).build(),
      good.toBuilder().setTargetNodeId(other).build(),
      good.toBuilder().setSchemaVersion(SchemaVersion.SCHEMA_VERSION_UNSPECIFIED).build(),
      // A build from before the one form of a value and epochs in ballots: never in one cluster.
      good.toBuilder().setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1).build(),
    };
    for (Hello hello : bad) {
      Status status = send(PeerFrame.newBuilder().setHello(hello).build().toByteArray());
      assertThat(status.getCode())
          .as("%s", hello.getNodeId())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).hasSizeLessThan(1000);
    }
    Status noHello = send(PeerFrame.newBuilder().addMessages(prepare()).build().toByteArray());
    assertThat(noHello.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(target.refusedPeerStreams() - before).isEqualTo(bad.length + 1);
  }

  @Test
  @DisplayName(
      "a stream from a member with another membership or quorums is refused with"
          + " FAILED_PRECONDITION, naming the mismatch")
  void otherConfigurationIsRefused() throws Exception {
    Hello hello =
        hello("hostile", PLAYED, target.nodeId()).toBuilder()
            .setConfigFingerprint(ClusterConfig.of("hostile", 1, 2, 3, 4).fingerprint())
            .build();
    Status status = send(PeerFrame.newBuilder().setHello(hello).build().toByteArray());
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).contains("another configuration");
    Status none =
        send(
            PeerFrame.newBuilder()
                .setHello(hello.toBuilder().clearConfigFingerprint())
                .build()
                .toByteArray());
    assertThat(none.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  @DisplayName(
      "in plaintext without a secret, a second stream claiming a connected member is refused, and"
          + " the member's own stream keeps working")
  void duplicateMemberIsRefused() throws Exception {
    int other = target.nodeId() == 1 ? 2 : 1;
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> target.peerInbound().connected(other));
    Status status =
        send(
            PeerFrame.newBuilder()
                .setHello(hello("hostile", other, target.nodeId()))
                .addMessages(prepare())
                .build()
                .toByteArray());
    assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(target.peerInbound().connected(other)).isTrue();
    // clusterStillServes: the real peer's stream still carries its votes
  }

  @Test
  @DisplayName("random bytes and truncated frames on a peer stream close that stream only")
  void garbageFramesCloseTheirStream() throws Exception {
    SplittableRandom random = new SplittableRandom(99);
    byte[] valid =
        PeerFrame.newBuilder()
            .setHello(hello("hostile", PLAYED, target.nodeId()))
            .addMessages(prepare())
            .build()
            .toByteArray();
    for (int i = 0; i < 10; i++) {
      byte[] bytes = new byte[1 + random.nextInt(300)];
      random.nextBytes(bytes);
      assertThat(send(bytes).isOk()).as("random frame %d", i).isFalse();
    }
    for (int cut = 1; cut < valid.length; cut += 7) {
      byte[] truncated = Arrays.copyOf(valid, cut);
      Status status = send(truncated);
      assertThat(status.isOk()).as("frame cut at %d", cut).isFalse();
    }
  }

  @Test
  @DisplayName("a frame with a message the schema does not allow closes its stream")
  void invalidMessageClosesItsStream() throws Exception {
    long before = target.malformedPeerStreams();
    PeerFrame frame =
        PeerFrame.newBuilder()
            .setHello(hello("hostile", PLAYED, target.nodeId()))
            .addMessages(Envelope.newBuilder().setPrepare(Prepare.newBuilder().setFromSlot(1)))
            .build();

    assertThat(send(frame.toByteArray()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(target.malformedPeerStreams()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "a message out of bounds (a round above the maximum, a slot above 2^62) closes its stream;"
          + " nothing of its frame reaches the node")
  void outOfBoundsMessageClosesItsStream() throws Exception {
    io.paxos.core.protocol.Ballot top = new io.paxos.core.protocol.Ballot(Long.MAX_VALUE, PLAYED);
    io.paxos.core.protocol.Ballot sane = new io.paxos.core.protocol.Ballot(1, PLAYED);
    List<io.paxos.core.protocol.Message> outOfBounds =
        List.of(
            new io.paxos.core.protocol.Message.Heartbeat(PLAYED, top, 0, 1),
            new io.paxos.core.protocol.Message.Nack(PLAYED, sane, top),
            new io.paxos.core.protocol.Message.Commit(PLAYED, sane, Long.MAX_VALUE),
            new io.paxos.core.protocol.Message.Accept(
                PLAYED, sane, (1L << 62) + 1, List.of(io.paxos.core.protocol.Value.NOOP), 0));
    for (io.paxos.core.protocol.Message m : outOfBounds) {
      long before = target.malformedPeerStreams();
      PeerFrame frame =
          PeerFrame.newBuilder()
              .setHello(hello("hostile", PLAYED, target.nodeId()))
              .addMessages(MessageCodec.encode(m))
              .build();

      Status status = send(frame.toByteArray());
      assertThat(status.getCode()).as("%s", m).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).as("%s", m).contains("out of bounds");
      assertThat(target.malformedPeerStreams()).isEqualTo(before + 1);
    }
  }

  @Test
  @DisplayName(
      "a message of a type newer than the node's schema is skipped, and the stream goes on: only"
          + " the invalid frame after it closes the stream")
  void newerMessageTypesAreSkipped() throws Exception {
    long before = target.malformedPeerStreams();
    // Envelope field 99: a message type added to schema version 1 after this build.
    Envelope newer = Envelope.parseFrom(new byte[] {(byte) 0x9a, 0x06, 0x01, 0x08});
    PeerFrame first =
        PeerFrame.newBuilder()
            .setHello(hello("hostile", PLAYED, target.nodeId()))
            .addMessages(newer)
            .addMessages(prepare())
            .build();
    PeerFrame invalid =
        PeerFrame.newBuilder()
            .addMessages(Envelope.newBuilder().setPrepare(Prepare.newBuilder().setFromSlot(1)))
            .build();

    Status status = send(first.toByteArray(), invalid.toByteArray());
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .as("closed by the second frame")
        .contains("prepare ballot is missing");
    assertThat(target.malformedPeerStreams()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a frame larger than the inbound limit closes its stream")
  void overSizeFrameClosesItsStream() throws Exception {
    byte[] huge = new byte[MAX_INBOUND * 2];
    PeerFrame frame =
        PeerFrame.newBuilder()
            .setHello(hello("hostile", PLAYED, target.nodeId()))
            .addMessages(
                Envelope.newBuilder()
                    .setCommandResult(
                        io.paxos.grpc.proto.CommandResult.newBuilder()
                            .setResult(com.google.protobuf.ByteString.copyFrom(huge))))
            .build();

    assertThat(send(frame.toByteArray()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  @DisplayName("random bytes and a truncated HTTP/2 preface on the raw TCP port are dropped")
  void rawGarbageOnThePort() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 5; i++) {
      byte[] bytes = new byte[4096];
      random.nextBytes(bytes);
      assertThat(serverClosesAfter(bytes)).as("connection %d closed by the node", i).isTrue();
    }
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(serverClosesAfter(Arrays.copyOf(preface, 10))).isTrue();
    byte[] prefaceAndHalfAFrame = Arrays.copyOf(preface, preface.length + 5);
    prefaceAndHalfAFrame[preface.length] = 0;
    prefaceAndHalfAFrame[preface.length + 2] = 6; // a 6-byte frame, cut after its first bytes
    assertThat(serverClosesAfter(prefaceAndHalfAFrame)).isTrue();
  }

  /**
   * Write {@code bytes} and half-close; true if the node then closes the connection (end of stream
   * or reset) within the patience of the test.
   */
  private boolean serverClosesAfter(byte[] bytes) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", target.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // the node may answer with a GOAWAY before it closes
      }
      return true;
    } catch (SocketException e) {
      return true; // reset by the node
    }
  }

  /** Open a peer stream, send {@code frames} as its messages, return how the node ends it. */
  private Status send(byte[]... frames) throws Exception {
    MethodDescriptor<byte[], byte[]> method =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(PaxosPeerGrpc.getConnectMethod().getFullMethodName())
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(16); // the challenge, a Welcome, and then the status
    for (byte[] frame : frames) {
      call.sendMessage(frame);
    }
    Status status = closed.get(30, TimeUnit.SECONDS);
    return status;
  }

  private static Hello hello(String cluster, int from, int to) {
    return Hello.newBuilder()
        .setSchemaVersion(PeerHandshake.PEER_SCHEMA)
        .setClusterId(cluster)
        .setNodeId(from)
        .setTargetNodeId(to)
        .setConfigFingerprint(CONFIG.fingerprint())
        .build();
  }

  private static Envelope prepare() {
    return MessageCodec.encode(
        new io.paxos.core.protocol.Message.Prepare(
            PLAYED, new io.paxos.core.protocol.Ballot(1, PLAYED), 1));
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };
}
