package io.paxos.core.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One node of the cluster: its id, the roles it hosts and its leader priority.
 *
 * @param id the node id, between 1 and {@link #MAX_ID}; unique in the cluster
 * @param roles the roles this node hosts, never empty
 * @param priority the node's leader priority, between 0 (none, the default) and {@link
 *     #MAX_PRIORITY}: among live proposers, one of the highest priority leads
 *     (docs/leader-priority.md)
 */
public record Member(int id, Set<Role> roles, int priority) {
  /** The largest node id (ids fit in 16 bits on the wire and in ballots). */
  public static final int MAX_ID = 0xFFFF;

  /** The highest leader priority; 0 means none. */
  public static final int MAX_PRIORITY = 1000;

  public Member {
    if (id < 1 || id > MAX_ID) {
      throw new IllegalArgumentException(
          "node id " + id + " is out of range: use an id between 1 and " + MAX_ID);
    }
    Objects.requireNonNull(roles, "roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("node " + id + " hosts no role: give it at least one");
    }
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException(
          "priority "
              + priority
              + " of node "
              + id
              + " is out of range: use 0 (none) to "
              + MAX_PRIORITY);
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
  }

  /** A node hosting {@code roles}, without leader priority. */
  public Member(int id, Set<Role> roles) {
    this(id, roles, 0);
  }

  /** A node hosting all three roles, the common deployment. */
  public static Member allRoles(int id) {
    return new Member(id, EnumSet.allOf(Role.class));
  }

  /** A node hosting the given roles. */
  public static Member of(int id, Role first, Role... rest) {
    return new Member(id, EnumSet.of(first, rest));
  }

  /** This member with leader priority {@code priority} (0 for none). */
  public Member withPriority(int priority) {
    return new Member(id, roles, priority);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
