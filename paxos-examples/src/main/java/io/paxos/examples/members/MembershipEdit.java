package io.paxos.examples.members;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One change of membership as an operator states it: members to add (each with its address, hosting
 * every role) and members to remove, applied to the current configuration in one change. Members
 * kept keep their roles, priorities and addresses; the quorums are majorities of the new acceptors
 * unless given. Immutable and thread-safe.
 *
 * @param add the members to add: id and {@code host:port} address; none may be a member now
 * @param remove the ids to remove; each must be a member now
 * @param phase1Quorum the new phase-1 quorum, if given (then {@code phase2Quorum} too)
 * @param phase2Quorum the new phase-2 quorum, if given (then {@code phase1Quorum} too)
 */
public record MembershipEdit(
    Map<Integer, String> add,
    Set<Integer> remove,
    OptionalInt phase1Quorum,
    OptionalInt phase2Quorum) {

  /**
   * Checks the components.
   *
   * @param add the members to add, by id, with their addresses
   * @param remove the ids to remove
   * @param phase1Quorum the new phase-1 quorum, if given
   * @param phase2Quorum the new phase-2 quorum, if given
   * @throws IllegalArgumentException if only one quorum is given, or nothing is changed
   */
  public MembershipEdit {
    add = Map.copyOf(add);
    remove = Set.copyOf(remove);
    Objects.requireNonNull(phase1Quorum, "phase1Quorum");
    Objects.requireNonNull(phase2Quorum, "phase2Quorum");
    if (phase1Quorum.isPresent() != phase2Quorum.isPresent()) {
      throw new IllegalArgumentException("give both quorums or neither (then: majorities)");
    }
    if (add.isEmpty() && remove.isEmpty() && phase1Quorum.isEmpty()) {
      throw new IllegalArgumentException("nothing to change: add or remove a member");
    }
  }

  /**
   * {@return the configuration {@code current} becomes}
   *
   * @param current the cluster's configuration now
   * @throws IllegalArgumentException if a member to add is a member already, one to remove is not,
   *     an address is not valid, or the result is not a valid configuration (the message says why)
   */
  public ClusterConfig apply(ClusterConfig current) {
    List<Member> members = new ArrayList<>();
    for (int id : new TreeSet<>(remove)) {
      if (!current.contains(id)) {
        throw new IllegalArgumentException(
            "node " + id + " is not a member " + ids(current) + "; nothing to remove");
      }
    }
    for (Member m : current.members()) {
      if (!remove.contains(m.id())) {
        members.add(m);
      }
    }
    for (Map.Entry<Integer, String> a : add.entrySet()) {
      if (current.contains(a.getKey()) && !remove.contains(a.getKey())) {
        throw new IllegalArgumentException(
            "node " + a.getKey() + " is a member already " + ids(current));
      }
      members.add(new Member(a.getKey(), EnumSet.allOf(Role.class), 0, a.getValue()));
    }
    members.sort(Comparator.comparingInt(Member::id));
    if (members.isEmpty()) {
      throw new IllegalArgumentException("that would remove every member");
    }
    return phase1Quorum.isPresent()
        ? new ClusterConfig(
            current.clusterId(), members, phase1Quorum.getAsInt(), phase2Quorum.getAsInt())
        : ClusterConfig.withMajorities(current.clusterId(), members);
  }

  /**
   * {@return {@code epoch} as text: a header line, then one line per member (id, address, roles)} A
   * member without an address in the configuration (the cluster file's members) is shown with the
   * one in {@code addresses}, or {@code -}.
   *
   * @param epoch the membership
   * @param addresses the members' addresses as a node reports them, by id
   */
  public static String describe(ClusterEpoch epoch, Map<Integer, String> addresses) {
    ClusterConfig c = epoch.config();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "epoch %d from slot %d: %d members, quorums %d/%d of %d acceptors%n",
            epoch.epoch(),
            epoch.firstSlot(),
            c.members().size(),
            c.phase1Quorum(),
            c.phase2Quorum(),
            c.idsWith(Role.ACCEPTOR).length));
    for (Member m : c.members()) {
      String address = !m.address().isEmpty() ? m.address() : addresses.getOrDefault(m.id(), "-");
      b.append(String.format("  %d %s %s%n", m.id(), address, roles(m)));
    }
    return b.toString();
  }

  /** {@code m}'s roles as {@code proposer,acceptor,learner}. */
  public static String roles(Member m) {
    return m.roles().stream()
        .sorted()
        .map(r -> r.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(","));
  }

  private static String ids(ClusterConfig c) {
    return java.util.Arrays.toString(c.ids());
  }
}
