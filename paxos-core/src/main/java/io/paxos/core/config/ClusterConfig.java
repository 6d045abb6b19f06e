package io.paxos.core.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The membership of a cluster: which nodes exist, which roles each hosts (and its leader priority,
 * docs/leader-priority.md), and the quorum sizes of the two phases. Immutable and validated once,
 * here: a configuration that could lose safety (two quorums that need not intersect, duplicate ids)
 * is refused with a message saying what is wrong.
 *
 * <p>By default both phases use majorities of the acceptors. Flexible quorums (Howard et al.) are
 * allowed: any phase-1 size {@code q1} and phase-2 size {@code q2} with {@code q1 + q2 >
 * acceptors}.
 *
 * @param clusterId a name that every node of the cluster shares; peers of another cluster are
 *     refused
 * @param members all nodes, in ascending id order
 * @param phase1Quorum how many acceptors must promise before a proposer leads
 * @param phase2Quorum how many acceptors must accept a slot before it is chosen
 */
public record ClusterConfig(
    String clusterId, List<Member> members, int phase1Quorum, int phase2Quorum) {

  /** At most this many acceptors: votes are kept as bits of a {@code long}. */
  public static final int MAX_ACCEPTORS = 64;

  public ClusterConfig {
    Objects.requireNonNull(clusterId, "clusterId");
    if (clusterId.isBlank()) {
      throw new IllegalArgumentException("clusterId is blank: give the cluster a name");
    }
    Objects.requireNonNull(members, "members");
    List<Member> sorted = new ArrayList<>(members);
    sorted.sort((a, b) -> Integer.compare(a.id(), b.id()));
    Set<Integer> ids = new HashSet<>();
    for (Member m : sorted) {
      if (!ids.add(m.id())) {
        throw new IllegalArgumentException("duplicate node id " + m.id() + " in " + clusterId);
      }
    }
    members = List.copyOf(sorted);
    int acceptors = (int) members.stream().filter(m -> m.has(Role.ACCEPTOR)).count();
    requireRole(members, Role.PROPOSER);
    requireRole(members, Role.ACCEPTOR);
    requireRole(members, Role.LEARNER);
    if (acceptors > MAX_ACCEPTORS) {
      throw new IllegalArgumentException(
          acceptors + " acceptors configured; at most " + MAX_ACCEPTORS + " are supported");
    }
    if (phase1Quorum < 1 || phase1Quorum > acceptors) {
      throw new IllegalArgumentException(
          "phase-1 quorum "
              + phase1Quorum
              + " must be between 1 and the "
              + acceptors
              + " acceptors");
    }
    if (phase2Quorum < 1 || phase2Quorum > acceptors) {
      throw new IllegalArgumentException(
          "phase-2 quorum "
              + phase2Quorum
              + " must be between 1 and the "
              + acceptors
              + " acceptors");
    }
    if (phase1Quorum + phase2Quorum <= acceptors) {
      throw new IllegalArgumentException(
          "quorums do not intersect: phase-1 quorum "
              + phase1Quorum
              + " + phase-2 quorum "
              + phase2Quorum
              + " must exceed the "
              + acceptors
              + " acceptors, or two leaders could choose different values");
    }
  }

  private static void requireRole(List<Member> members, Role role) {
    if (members.stream().noneMatch(m -> m.has(role))) {
      throw new IllegalArgumentException("no node hosts the " + role + " role");
    }
  }

  /** A cluster of nodes that each host all three roles, with majority quorums. */
  public static ClusterConfig of(String clusterId, int... nodeIds) {
    return withMajorities(clusterId, Arrays.stream(nodeIds).mapToObj(Member::allRoles).toList());
  }

  /** The given members with majority quorums of their acceptors. */
  public static ClusterConfig withMajorities(String clusterId, List<Member> members) {
    int acceptors = (int) members.stream().filter(m -> m.has(Role.ACCEPTOR)).count();
    int majority = acceptors / 2 + 1;
    return new ClusterConfig(clusterId, members, majority, majority);
  }

  public Optional<Member> member(int id) {
    for (Member m : members) {
      if (m.id() == id) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  public boolean contains(int id) {
    return member(id).isPresent();
  }

  /** Ids of the nodes hosting {@code role}, ascending. */
  public int[] idsWith(Role role) {
    return members.stream().filter(m -> m.has(role)).mapToInt(Member::id).toArray();
  }

  /** Ids of all members, ascending. */
  public int[] ids() {
    return members.stream().mapToInt(Member::id).toArray();
  }

  /**
   * The position of acceptor {@code id} among the acceptors (0-based, ascending id), or -1 if
   * {@code id} is not an acceptor. Votes are recorded as bit {@code 1L << index}.
   */
  public int acceptorIndex(int id) {
    int index = 0;
    for (Member m : members) { // on every vote: no stream, no array
      if (m.has(Role.ACCEPTOR)) {
        if (m.id() == id) {
          return index;
        }
        index++;
      }
    }
    return -1;
  }

  /** Whether any member has a leader priority (docs/leader-priority.md). */
  public boolean hasPriorities() {
    for (Member m : members) {
      if (m.priority() != 0) {
        return true;
      }
    }
    return false;
  }

  /** The leader priority of member {@code id}; 0 if it has none or is not a member. */
  public int priority(int id) {
    return member(id).map(Member::priority).orElse(0);
  }

  /**
   * How many distinct priorities of proposers are above member {@code id}'s: 0 for a proposer of
   * the highest priority, and for every node when no member has a priority. A proposer waits this
   * many extra election timeouts before it campaigns, so that the highest live one campaigns first.
   */
  public int priorityRank(int id) {
    int own = priority(id);
    return (int)
        members.stream()
            .filter(m -> m.has(Role.PROPOSER) && m.priority() > own)
            .mapToInt(Member::priority)
            .distinct()
            .count();
  }

  /** This configuration with member {@code id}'s leader priority set to {@code priority}. */
  public ClusterConfig withPriority(int id, int priority) {
    if (!contains(id)) {
      throw new IllegalArgumentException("node " + id + " is not a member of " + clusterId);
    }
    List<Member> changed =
        members.stream().map(m -> m.id() == id ? m.withPriority(priority) : m).toList();
    return new ClusterConfig(clusterId, changed, phase1Quorum, phase2Quorum);
  }

  /**
   * A stable hash of everything nodes must agree on to form one cluster: the cluster id, each
   * member's id and roles, and the two quorum sizes. Nodes exchange it in their handshake and
   * refuse a peer whose fingerprint differs, so that members started with different configurations
   * never count each other's votes.
   *
   * <p>Deterministic across JVMs, platforms and releases: the lowercase hex SHA-256 of this byte
   * sequence (integers big-endian, 4 bytes each): the ASCII tag {@code paxos-cluster-config-v1};
   * the number of UTF-16 code units of the cluster id, then each unit as 2 bytes; the number of
   * members; for each member in ascending id order its id and its roles as a bit set (proposer 1,
   * acceptor 2, learner 4, fixed here and not taken from the enum's order); the phase-1 quorum; the
   * phase-2 quorum. When a member has a leader priority ({@link #hasPriorities()}), the tag is
   * {@code paxos-cluster-config-v2} instead and each member's priority follows, in ascending id
   * order; a configuration without priorities keeps its v1 fingerprint. Addresses and protocol
   * timings are not part of it. Changing this encoding is a wire-incompatible change: raise the
   * tag's version.
   *
   * @return 64 lowercase hex digits
   */
  public String fingerprint() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
    boolean priorities = hasPriorities();
    String tag = priorities ? "paxos-cluster-config-v2" : "paxos-cluster-config-v1";
    for (int i = 0; i < tag.length(); i++) {
      sha.update((byte) tag.charAt(i));
    }
    putInt(sha, clusterId.length());
    for (int i = 0; i < clusterId.length(); i++) {
      char c = clusterId.charAt(i);
      sha.update((byte) (c >>> 8));
      sha.update((byte) c);
    }
    putInt(sha, members.size());
    for (Member m : members) {
      putInt(sha, m.id());
      putInt(
          sha,
          (m.has(Role.PROPOSER) ? 1 : 0)
              | (m.has(Role.ACCEPTOR) ? 2 : 0)
              | (m.has(Role.LEARNER) ? 4 : 0));
    }
    putInt(sha, phase1Quorum);
    putInt(sha, phase2Quorum);
    if (priorities) {
      for (Member m : members) {
        putInt(sha, m.priority());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void putInt(MessageDigest sha, int v) {
    sha.update((byte) (v >>> 24));
    sha.update((byte) (v >>> 16));
    sha.update((byte) (v >>> 8));
    sha.update((byte) v);
  }
}
