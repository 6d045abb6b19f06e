package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster shapes the simulator knows by name. The name is what {@code -Dpaxos.sim.config=...}
 * takes in the project's tests.
 */
public enum Topology {
  /** Three nodes, each hosting every role; majority quorums. */
  THREE("3"),
  /** Five nodes, each hosting every role; majority quorums. */
  FIVE("5"),
  /** Roles on separate nodes: proposers 1-5, acceptors 6-10, learners 11-12. */
  SPLIT("split"),
  /** Five nodes with every role and flexible quorums: phase 1 needs 4, phase 2 needs 2. */
  FLEX("flex"),
  /** Like {@link #SPLIT}, with acceptors sending {@code Accepted} straight to the learners. */
  SPLIT_TO_LEARNERS("split-a2l"),
  /** Like {@link #THREE}, with acceptors sending {@code Accepted} straight to the learners. */
  THREE_TO_LEARNERS("3-a2l"),
  /**
   * Nodes 1-3 host every role, 4 and 5 only an acceptor: those two compact on the snapshots of a
   * majority of the three learners.
   */
  MIXED("mixed");

  private final String label;

  Topology(String label) {
    this.label = label;
  }

  /** The short name used on the command line. */
  public String label() {
    return label;
  }

  /** Whether acceptors send their votes to the learners too. */
  public boolean acceptedToLearners() {
    return this == SPLIT_TO_LEARNERS || this == THREE_TO_LEARNERS;
  }

  /** The members and quorums of this topology. */
  public ClusterConfig cluster() {
    switch (this) {
      case THREE:
      case THREE_TO_LEARNERS:
        return ClusterConfig.of("sim", 1, 2, 3);
      case FIVE:
        return ClusterConfig.of("sim", 1, 2, 3, 4, 5);
      case FLEX:
        return new ClusterConfig("sim", ClusterConfig.of("sim", 1, 2, 3, 4, 5).members(), 4, 2);
      case SPLIT:
      case SPLIT_TO_LEARNERS:
        return ClusterConfig.withMajorities("sim", split());
      case MIXED:
        return ClusterConfig.withMajorities(
            "sim",
            List.of(
                Member.allRoles(1),
                Member.allRoles(2),
                Member.allRoles(3),
                Member.of(4, Role.ACCEPTOR),
                Member.of(5, Role.ACCEPTOR)));
      default:
        throw new IllegalStateException("unknown topology " + this);
    }
  }

  private static List<Member> split() {
    List<Member> members = new ArrayList<>();
    for (int id = 1; id <= 5; id++) {
      members.add(Member.of(id, Role.PROPOSER));
    }
    for (int id = 6; id <= 10; id++) {
      members.add(Member.of(id, Role.ACCEPTOR));
    }
    members.add(Member.of(11, Role.LEARNER));
    members.add(Member.of(12, Role.LEARNER));
    return members;
  }

  /** The topology called {@code label} (see {@link #label()}). */
  public static Topology byLabel(String label) {
    for (Topology t : values()) {
      if (t.label.equals(label) || t.name().equalsIgnoreCase(label)) {
        return t;
      }
    }
    StringBuilder known = new StringBuilder();
    for (Topology t : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(t.label);
    }
    throw new IllegalArgumentException("unknown topology '" + label + "'; use one of: " + known);
  }
}
