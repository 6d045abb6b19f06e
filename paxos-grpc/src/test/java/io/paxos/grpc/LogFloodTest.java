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
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.paxos.core.config.ClusterConfig;
import io.paxos.grpc.proto.ClientFrame;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.ServerFrame;
import io.paxos.grpc.proto.SubmitRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Floods of what a stranger or a careless client can send cheaply (malformed requests, calls it
 * cancels or lets time out) cost the node a bounded number of log lines, each without a stack
 * trace, and malformed requests get {@code INVALID_ARGUMENT}.
 *
 * <p>The test captures everything the node logs while a flood runs: this library's lines (SLF4J's
 * simple logger writes to {@code System.err}, replaced for the flood) and gRPC's own records
 * ({@code java.util.logging}, through a handler on the root logger).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFloodTest {
  private static final int FLOOD = 300;

  /** At most this many lines per kind of event while the flood runs (well under 10 s). */
  private static final int MAX_LINES = 6;

  private GrpcCluster cluster;
  private ManagedChannel channel;
  private PaxosServer server;
  private final Capture capture = new Capture();

  @BeforeAll
  void start() {
    cluster = new GrpcCluster(ClusterConfig.of("flood", 1));
    cluster.awaitLeader();
    server = cluster.server(1);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterAll
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }

  @BeforeEach
  void startCapture() {
    capture.start();
  }

  @AfterEach
  void stopCapture() {
    capture.stop();
  }

  @Test
  @DisplayName(
      "malformed unary and streaming client requests and peer frames get INVALID_ARGUMENT, and"
          + " cost a few log lines in all, without a stack trace")
  void malformedRequests() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    long before = server.malformedRequests();
    List<String> methods =
        List.of(
            PaxosClientServiceGrpc.getSubmitMethod().getFullMethodName(),
            PaxosClientServiceGrpc.getReadMethod().getFullMethodName(),
            PaxosClientServiceGrpc.getSessionMethod().getFullMethodName(),
            PaxosPeerGrpc.getConnectMethod().getFullMethodName());
    for (int i = 0; i < FLOOD; i++) {
      String method = methods.get(i % methods.size());
      byte[] junk = {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) random.nextInt(256)};
      Status status = call(method, junk);
      assertThat(status.getCode()).as("%s", method).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    assertThat(server.malformedRequests() - before).isEqualTo(FLOOD);
    capture.assertBounded();
  }

  @Test
  @DisplayName(
      "client calls cancelled at once or timed out by the thousand cost a few log lines in all")
  void cancelledAndTimedOutCalls() throws Exception {
    PaxosClientServiceGrpc.PaxosClientServiceStub stub = PaxosClientServiceGrpc.newStub(channel);
    AtomicInteger ended = new AtomicInteger();
    for (int i = 0; i < FLOOD; i++) {
      SubmitRequest submit =
          SubmitRequest.newBuilder()
              .setClientId(1_000 + i)
              .setSequence(1)
              .setAcknowledgedBelow(1)
              .setCommand(com.google.protobuf.ByteString.copyFrom(LogStateMachine.command(i)))
              .build();
      // a unary call whose deadline passes while the node works on it
      stub.withDeadlineAfter(1, TimeUnit.MILLISECONDS).submit(submit, new Ignore<>(ended));
      // a session that sends requests and goes away before the replies
      CompletableFuture<ClientCallStreamObserver<ClientFrame>> session = new CompletableFuture<>();
      stub.session(
          new ClientResponseObserver<ClientFrame, ServerFrame>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ClientFrame> requests) {
              session.complete(requests);
            }

            @Override
            public void onNext(ServerFrame value) {}

            @Override
            public void onError(Throwable t) {
              ended.incrementAndGet();
            }

            @Override
            public void onCompleted() {
              ended.incrementAndGet();
            }
          });
      ClientCallStreamObserver<ClientFrame> requests = session.get();
      requests.onNext(
          ClientFrame.newBuilder()
              .addRequests(ClientRequest.newBuilder().setCallId(1).setSubmit(submit))
              .build());
      requests.cancel("the client went away", null);
    }
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ended.get() == 2 * FLOOD);
    // The node replies to the ended calls when their commands are applied: after this one.
    cluster
        .nodes()
        .get(0)
        .submit(999_999, 1, 1, LogStateMachine.command(-1))
        .get(30, TimeUnit.SECONDS);
    capture.assertBounded();
  }

  /** Send {@code bytes} as the one message of a call to {@code method}; how it ended. */
  private Status call(String method, byte[] bytes) throws Exception {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(method)
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    ClientCall<byte[], byte[]> call = channel.newCall(descriptor, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(16);
    call.sendMessage(bytes);
    call.halfClose();
    return closed.get(30, TimeUnit.SECONDS);
  }

  private static final class Ignore<T> implements io.grpc.stub.StreamObserver<T> {
    private final AtomicInteger ended;

    Ignore(AtomicInteger ended) {
      this.ended = ended;
    }

    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {
      ended.incrementAndGet();
    }

    @Override
    public void onCompleted() {
      ended.incrementAndGet();
    }
  }

  /** Everything logged while a flood runs: stderr lines and gRPC's java.util.logging records. */
  private static final class Capture {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<LogRecord> records = new ArrayList<>();
    private PrintStream original;
    private final Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
              synchronized (records) {
                records.add(record);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };

    void start() {
      original = System.err;
      PrintStream tee =
          new PrintStream(
              new OutputStream() {
                @Override
                public void write(int b) {
                  synchronized (err) {
                    err.write(b);
                  }
                  original.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                  synchronized (err) {
                    err.write(b, off, len);
                  }
                  original.write(b, off, len);
                }
              },
              true,
              StandardCharsets.UTF_8);
      System.setErr(tee);
      Logger.getLogger("").addHandler(handler);
    }

    void stop() {
      Logger.getLogger("").removeHandler(handler);
      System.setErr(original);
    }

    void assertBounded() {
      String text;
      synchronized (err) {
        text = err.toString(StandardCharsets.UTF_8);
      }
      List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as("lines written during the flood").hasSizeLessThanOrEqualTo(MAX_LINES);
      assertThat(text).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:\n");
      synchronized (records) {
        assertThat(records).as("gRPC records that reached a handler").isEmpty();
      }
    }
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
