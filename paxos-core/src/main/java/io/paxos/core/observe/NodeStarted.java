package io.paxos.core.observe;

import io.paxos.core.config.Role;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a node is, as it starts.
 *
 * @param nodeId this node
 * @param clusterId the cluster it belongs to
 * @param roles the roles it hosts
 * @param addresses each member's address as its transport knows it, by id (empty if it does not
 *     say)
 * @param storage where its durable state lives (a data directory, or "memory")
 * @param snapshotSlot the slot of the snapshot it restored (0 if none)
 * @param recoveredSlot every slot through this one was chosen and recovered from storage (applied
 *     by its learner, if it hosts one)
 */
public record NodeStarted(
    int nodeId,
    String clusterId,
    Set<Role> roles,
    Map<Integer, String> addresses,
    String storage,
    long snapshotSlot,
    long recoveredSlot) {
  /**
   * Checks the components.
   *
   * @param nodeId this node
   * @param clusterId the cluster it belongs to
   * @param roles the roles it hosts
   * @param addresses each member's address as its transport knows it, by id (empty if it does not
   *     say)
   * @param storage where its durable state lives (a data directory, or "memory")
   * @param snapshotSlot the slot of the snapshot it restored (0 if none)
   * @param recoveredSlot every slot through this one was chosen and recovered from storage (applied
   *     by its learner, if it hosts one)
   * @throws NullPointerException if a component that must not be null is null
   */
  public NodeStarted {
    Objects.requireNonNull(clusterId, "clusterId");
    roles = Set.copyOf(roles);
    addresses = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(addresses)); // by id
    Objects.requireNonNull(storage, "storage");
  }
}
