package io.paxos.core.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One node of the cluster: its id, the roles it hosts, its leader priority and, optionally, its
 * address.
 *
 * <p>The address is for the transport alone ({@code host:port} for gRPC): it lets a membership
 * change name where a new member listens (docs/membership.md, "Transport"). It is not part of
 * {@link ClusterConfig#fingerprint()}: nodes that agree on ids, roles, priorities and quorums form
 * one cluster whatever addresses they were told.
 *
 * @param id the node id, between 1 and {@link #MAX_ID}; unique in the cluster
 * @param roles the roles this node hosts, never empty
 * @param priority the node's leader priority, between 0 (none, the default) and {@link
 *     #MAX_PRIORITY}: among live proposers, one of the highest priority leads
 *     (docs/leader-priority.md)
 * @param address where the transport reaches the node, opaque here ({@code host:port} for gRPC);
 *     {@code ""} when not given; at most {@link #MAX_ADDRESS_CHARS} printable ASCII characters, no
 *     spaces
 */
public record Member(int id, Set<Role> roles, int priority, String address) {
  /** The largest node id (ids fit in 16 bits on the wire and in ballots). */
  public static final int MAX_ID = 0xFFFF;

  /** The highest leader priority; 0 means none. */
  public static final int MAX_PRIORITY = 1000;

  /** The longest address, in characters. */
  public static final int MAX_ADDRESS_CHARS = 255;

  /**
   * Checks the components.
   *
   * @param id the node id, between 1 and {@link #MAX_ID}; unique in the cluster
   * @param roles the roles this node hosts, never empty
   * @param priority the node's leader priority, between 0 (none, the default) and {@link
   *     #MAX_PRIORITY}: among live proposers, one of the highest priority leads
   *     (docs/leader-priority.md)
   * @param address where the transport reaches the node, opaque here ({@code host:port} for gRPC);
   *     {@code ""} when not given; at most {@link #MAX_ADDRESS_CHARS} printable ASCII characters,
   *     no spaces
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
    Objects.requireNonNull(address, "address");
    if (address.length() > MAX_ADDRESS_CHARS) {
      throw new IllegalArgumentException(
          "address of node "
              + id
              + " has "
              + address.length()
              + " characters; at most "
              + MAX_ADDRESS_CHARS);
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(
            String.format(
                "address of node %d has character U+%04X at index %d: use printable ASCII"
                    + " without spaces, such as host:port",
                id, (int) c, i));
      }
    }
  }

  /**
   * A node hosting {@code roles}, with leader priority {@code priority} and no address.
   *
   * @param id the node id, between 1 and {@link #MAX_ID}
   * @param roles the roles this node hosts, not empty
   * @param priority from 0 (none) to {@link #MAX_PRIORITY}
   * @throws IllegalArgumentException if a component is out of range or {@code roles} is empty
   */
  public Member(int id, Set<Role> roles, int priority) {
    this(id, roles, priority, "");
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
    return new Member(id, roles, priority, address);
  }

  /**
   * {@return this member with address {@code address} ({@code ""} for none)}
   *
   * @param address where the transport reaches the node ({@code host:port} for gRPC); at most
   *     {@link #MAX_ADDRESS_CHARS} printable ASCII characters without spaces
   * @throws IllegalArgumentException if {@code address} is too long or has another character
   * @throws NullPointerException if {@code address} is null
   */
  public Member withAddress(String address) {
    return new Member(id, roles, priority, address);
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
