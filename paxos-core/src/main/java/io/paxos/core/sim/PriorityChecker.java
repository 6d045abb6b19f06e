package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.Map;
import java.util.SortedMap;

/**
 * Leader priority (docs/leader-priority.md): once the network has been calm for {@link #calmMs} (no
 * faults, every node up), a proposer of the highest priority among the live ones leads, and no
 * proposer of lower priority believes it leads. Stateless.
 */
final class PriorityChecker {
  /**
   * Election timeouts granted after the faults heal, beyond the priority waits: one for the leader
   * of the faults to be heard or to step down, one for the highest live proposer's claim and the
   * hand-over, one for its campaign, and slack for a learner to catch up after a restart.
   */
  static final int CALM_TIMEOUTS = 6;

  private PriorityChecker() {}

  /**
   * How long after the faults heal the check waits: {@value #CALM_TIMEOUTS} maximum election
   * timeouts, plus one for each priority rank a proposer may wait.
   */
  static long calmMs(ClusterConfig config, ProtocolOptions options) {
    int ranks = 0;
    for (int id : config.ids()) {
      ranks = Math.max(ranks, config.priorityRank(id));
    }
    return (CALM_TIMEOUTS + ranks) * options.electionTimeoutMaxMs();
  }

  /**
   * Throws unless a live proposer of the highest live priority leads and none of lower priority
   * does.
   *
   * @param leading each live voting proposer's id, mapped to whether it believes it leads
   */
  static void check(
      ClusterConfig config, long healedAt, long now, SortedMap<Integer, Boolean> leading) {
    int highest = -1;
    for (int id : leading.keySet()) {
      highest = Math.max(highest, config.priority(id));
    }
    boolean topLeads = false;
    StringBuilder wrong = new StringBuilder();
    for (Map.Entry<Integer, Boolean> e : leading.entrySet()) {
      int priority = config.priority(e.getKey());
      if (e.getValue() && priority == highest) {
        topLeads = true;
      } else if (e.getValue()) {
        wrong
            .append(" node ")
            .append(e.getKey())
            .append(" (priority ")
            .append(priority)
            .append(')');
      }
    }
    if (topLeads && wrong.length() == 0) {
      return;
    }
    StringBuilder b =
        new StringBuilder("calm since ")
            .append(healedAt)
            .append(" ms, yet at ")
            .append(now)
            .append(" ms no live proposer of the highest live priority ")
            .append(highest)
            .append(topLeads ? " alone" : "")
            .append(" leads;");
    b.append(wrong.length() == 0 ? " no lower one leads either" : " leading:" + wrong);
    b.append(" (live proposers:");
    for (int id : leading.keySet()) {
      b.append(' ').append(id).append('=').append(config.priority(id));
    }
    b.append(')');
    throw new InvariantViolation(InvariantViolation.LEADER_PRIORITY, b.toString());
  }
}
