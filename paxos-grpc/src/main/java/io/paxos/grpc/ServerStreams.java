package io.paxos.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the node's server-side streams (peer and client) share. */
final class ServerStreams {
  private static final Logger log = LoggerFactory.getLogger(ServerStreams.class);

  private ServerStreams() {}

  /**
   * End a server stream with {@code status}: completed if it is OK, failed with it otherwise. A
   * stream whose call has already ended (the other side went away) is left as it is.
   */
  static void end(StreamObserver<?> responses, Status status) {
    try {
      if (status.isOk()) {
        responses.onCompleted();
      } else {
        responses.onError(status.asRuntimeException());
      }
    } catch (RuntimeException e) {
      log.debug("ending a stream whose call already ended: {}", e.toString());
    }
  }
}
