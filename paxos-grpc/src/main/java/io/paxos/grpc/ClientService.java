package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;

/** Placeholder: the client service, completed in the next step. */
final class ClientService extends PaxosClientServiceGrpc.PaxosClientServiceImplBase {
  private final ClusterConfig config;
  private final int nodeId;
  private volatile PaxosNode node;

  ClientService(ClusterConfig config, int nodeId) {
    this.config = config;
    this.nodeId = nodeId;
  }

  void attach(PaxosNode node) {
    this.node = node;
  }

  void stop() {}
}
