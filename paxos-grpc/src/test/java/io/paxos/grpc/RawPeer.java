package io.paxos.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.Welcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A peer stream that a test drives by hand: it sends the Hello that {@code hello} makes from the
 * node's challenge (an empty one when it does not wait for a challenge; none if {@code hello} is
 * null), and records the Welcome and how the stream ended. Closing it closes its channel.
 */
final class RawPeer implements AutoCloseable {
  final CompletableFuture<Welcome> welcomed = new CompletableFuture<>();
  final CompletableFuture<Status> ended = new CompletableFuture<>();
  private final ManagedChannel channel;
  private final StreamObserver<PeerFrame> requests;

  private RawPeer(
      int port,
      ChannelCredentials credentials,
      boolean waitForChallenge,
      Function<byte[], Hello> hello) {
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    CompletableFuture<StreamObserver<PeerFrame>> self = new CompletableFuture<>();
    requests =
        PaxosPeerGrpc.newStub(channel)
            .connect(
                new StreamObserver<Welcome>() {
                  @Override
                  public void onNext(Welcome welcome) {
                    if (welcome.getNodeId() == 0 && !welcome.getChallenge().isEmpty()) {
                      if (waitForChallenge) {
                        self.join()
                            .onNext(
                                PeerFrame.newBuilder()
                                    .setHello(hello.apply(welcome.getChallenge().toByteArray()))
                                    .build());
                      }
                    } else {
                      welcomed.complete(welcome);
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(Status.OK);
                  }
                });
    self.complete(requests);
    if (!waitForChallenge && hello != null) {
      requests.onNext(PeerFrame.newBuilder().setHello(hello.apply(new byte[0])).build());
    }
  }

  static RawPeer open(
      int port,
      ChannelCredentials credentials,
      boolean waitForChallenge,
      Function<byte[], Hello> hello) {
    return new RawPeer(port, credentials, waitForChallenge, hello);
  }

  /** OK once the node welcomed the stream, else the status the stream ended with. */
  Status outcome() throws Exception {
    CompletableFuture.anyOf(welcomed, ended).get(30, TimeUnit.SECONDS);
    return welcomed.isDone() ? Status.OK : ended.get();
  }

  /** How the stream ended, waiting for it. */
  Status awaitEnd() throws Exception {
    return ended.get(30, TimeUnit.SECONDS);
  }

  void send(PeerFrame frame) {
    requests.onNext(frame);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
