package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the members of a configuration listen, for {@link GrpcTransport}: a member's {@link
 * Member#address()}, else the address the transport was built with (the cluster file's). A member
 * with neither, or whose address does not parse, is logged once, and left out. Thread-safe.
 */
final class MemberEndpoints {
  // The transport's logger: operators know these lines as the transport's.
  private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);

  private final int localId;
  private final Map<Integer, Endpoint> configured;
  private final Set<Integer> warnedNoAddress = new HashSet<>();

  MemberEndpoints(int localId, Map<Integer, Endpoint> configured) {
    this.localId = localId;
    this.configured = Map.copyOf(configured);
  }

  /** {@return the address of each member of {@code config} that has one, this node's included} */
  Map<Integer, Endpoint> of(ClusterConfig config) {
    Map<Integer, Endpoint> resolved = new TreeMap<>();
    for (Member m : config.members()) {
      Endpoint at = null;
      if (!m.address().isEmpty()) {
        try {
          at = Endpoint.parse(m.address());
        } catch (IllegalArgumentException e) {
          warnOnce(m.id(), "its address is not host:port (" + e.getMessage() + ")");
        }
      }
      if (at == null) {
        at = configured.get(m.id());
      }
      if (at != null) {
        resolved.put(m.id(), at);
      } else if (m.id() != localId) {
        warnOnce(
            m.id(), "the membership gives no address for it, nor was the transport built with one");
      }
    }
    return resolved;
  }

  private void warnOnce(int id, String why) {
    synchronized (warnedNoAddress) {
      if (!warnedNoAddress.add(id)) {
        return;
      }
    }
    log.warn("node {} cannot reach member {}: {}", localId, id, why);
  }
}
