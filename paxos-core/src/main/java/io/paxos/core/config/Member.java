package io.paxos.core.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One node of the cluster: its id and the roles it hosts.
 *
 * @param id the node id, between 1 and {@link #MAX_ID}; unique in the cluster
 * @param roles the roles this node hosts, never empty
 */
public record Member(int id, Set<Role> roles) {
  /** The largest node id (ids fit in 16 bits on the wire and in ballots). */
  public static final int MAX_ID = 0xFFFF;

  public Member {
    if (id < 1 || id > MAX_ID) {
      throw new IllegalArgumentException(
          "node id " + id + " is out of range: use an id between 1 and " + MAX_ID);
    }
    Objects.requireNonNull(roles, "roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("node " + id + " hosts no role: give it at least one");
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
  }

  /** A node hosting all three roles, the common deployment. */
  public static Member allRoles(int id) {
    return new Member(id, EnumSet.allOf(Role.class));
  }

  /** A node hosting the given roles. */
  public static Member of(int id, Role first, Role... rest) {
    return new Member(id, EnumSet.of(first, rest));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
