package io.paxos.grpc;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import java.util.List;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}) of one node's server: {@code
 * SERVING} from the moment the server serves a node until that node stops (it was closed, or it
 * stopped on a storage or state-machine failure) or the server closes; {@code NOT_SERVING} before
 * and after. It answers for the whole server (service name {@code ""}) and for each of its services
 * ({@code paxos.v1.PaxosClientService}, {@code paxos.v1.PaxosPeer}), all alike.
 *
 * <p>The status is pushed when it changes ({@link #serve}, {@link #nodeStopped}, {@link #close}),
 * and looked at again before every health call, so a node that has failed but not yet closed its
 * transport is already reported {@code NOT_SERVING}.
 *
 * <p>Thread-safe: every change is made under this object's lock, so two changes never interleave
 * and leave a stale status behind. Once {@link #close}d it stays {@code NOT_SERVING}.
 */
final class NodeHealth {
  /** The names health is reported under: the whole server, then each service. */
  static final List<String> SERVICES =
      List.of(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          PaxosClientServiceGrpc.SERVICE_NAME,
          PaxosPeerGrpc.SERVICE_NAME);

  private final HealthStatusManager manager = new HealthStatusManager();
  private PaxosNode node;
  private boolean stopped;
  private boolean closed;
  private ServingStatus current;

  NodeHealth() {
    publish(ServingStatus.NOT_SERVING);
  }

  /** The service to add to the server. */
  ServerServiceDefinition service() {
    BindableService health = manager.getHealthService();
    return ServerInterceptors.intercept(health, new RefreshFirst());
  }

  /** The server now serves {@code node}: healthy while it runs. */
  synchronized void serve(PaxosNode node) {
    this.node = node;
    refresh();
  }

  /** The node stopped (closed or failed): unhealthy from now on. */
  synchronized void nodeStopped() {
    stopped = true;
    refresh();
  }

  /** The server is closing: unhealthy for good. Idempotent. */
  synchronized void close() {
    if (closed) {
      return; // gRPC warns, with a stack trace, when told twice
    }
    closed = true;
    stopped = true;
    current = ServingStatus.NOT_SERVING;
    manager.enterTerminalState();
  }

  /** What a health check answers now. */
  synchronized ServingStatus status() {
    refresh();
    return current;
  }

  private void refresh() {
    boolean serving = !stopped && node != null && node.status().failure().isEmpty();
    publish(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  private void publish(ServingStatus status) {
    if (status == current) {
      return;
    }
    current = status;
    for (String service : SERVICES) {
      manager.setStatus(service, status);
    }
  }

  /** Looks at the node again before each health call. */
  private final class RefreshFirst implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      status();
      return next.startCall(call, headers);
    }
  }
}
