package io.paxos.grpc.client;

import io.paxos.core.Consistency;

/** The wire form of a read's {@link Consistency}. */
final class ConsistencyWire {
  private ConsistencyWire() {}

  static io.paxos.grpc.proto.Consistency of(Consistency c) {
    return switch (c) {
      case LINEARIZABLE -> io.paxos.grpc.proto.Consistency.CONSISTENCY_LINEARIZABLE;
      case SEQUENTIAL -> io.paxos.grpc.proto.Consistency.CONSISTENCY_SEQUENTIAL;
      case STALE -> io.paxos.grpc.proto.Consistency.CONSISTENCY_STALE;
      case LEASE -> io.paxos.grpc.proto.Consistency.CONSISTENCY_LEASE;
    };
  }
}
