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

  /**
   * Checks the components.
   *
   * @param id the node id, between 1 and {@link #MAX_ID}; unique in the cluster
   * @param roles the roles this node hosts, never empty
   * @param priority the node's leader priority, between 0 (none, the default) and {@link
   *     #MAX_PRIORITY}: among live proposers, one of the highest priority leads
   *     (docs/leader-priority.md)
   * @throws IllegalArgumentException if a component is out of the bounds given above
   * @throws NullPointerException if a component that must not be null is null
   */
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

  /**
   * A node hosting {@code roles}, without leader priority.
   *
   * @param id the node id, between 1 and {@link #MAX_ID}
   * @param roles the roles this node hosts, not empty
   * @throws IllegalArgumentException if {@code id} is out of range or {@code roles} is empty
   */
  public Member(int id, Set<Role> roles) {
    this(id, roles, 0);
  }

  /**
   * {@return a node hosting all three roles, the common deployment}
   *
   * @param id the node id, between 1 and {@link #MAX_ID}
   * @throws IllegalArgumentException if {@code id} is out of range
   */
  public static Member allRoles(int id) {
    return new Member(id, EnumSet.allOf(Role.class));
  }

  /**
   * {@return a node hosting the given roles}
   *
   * @param id the node id, between 1 and {@link #MAX_ID}
   * @param first a role it hosts
   * @param rest the other roles it hosts, if any
   * @throws IllegalArgumentException if {@code id} is out of range
   */
  public static Member of(int id, Role first, Role... rest) {
    return new Member(id, EnumSet.of(first, rest));
  }

  /**
   * {@return this member with leader priority {@code priority} (0 for none)}
   *
   * @param priority from 0 (none) to {@link #MAX_PRIORITY}
   * @throws IllegalArgumentException if {@code priority} is out of range
   */
  public Member withPriority(int priority) {
    return new Member(id, roles, priority);
  }

  /**
   * {@return whether this node hosts {@code role}}
   *
   * @param role the role
   */
  public boolean has(Role role) {
    return roles.contains(role);
  }
}
