package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;

/**
 * A proposer's part in leader priority (docs/leader-priority.md), when members have priorities.
 *
 * <ul>
 *   <li><b>Campaigning.</b> The proposer waits one extra maximum election timeout for each distinct
 *       priority of proposers above its own ({@link #campaignDelay()}; 0 without priorities, so
 *       that runs without them draw and wait exactly as before).
 *   <li><b>Claim.</b> A follower of higher priority than the leader answers each of its heartbeats
 *       with a {@code PriorityClaim} once it knows chosen every slot the heartbeat said was.
 *   <li><b>Drain.</b> On a claim for its ballot from a proposer of higher priority, a leader
 *       proposes no new slot ({@link #draining()}) until all it proposed are chosen.
 *   <li><b>Hand-over.</b> On a claim that shows the claimant knows every slot the leader chose,
 *       with nothing in flight, the leader steps down ({@link #onClaim} says when).
 *   <li><b>Give up.</b> A drain that takes {@code electionTimeoutMin} is given up; the leader
 *       pauses no more for {@code electionTimeoutMax}.
 * </ul>
 *
 * <p>Not thread-safe; owned by its {@link DefaultProposer}.
 */
final class PriorityHandOver {
  private static final long NONE = Long.MIN_VALUE;

  private final int id;
  private final ClusterConfig config;
  private final ProtocolOptions options;
  private final int priority;
  private final long campaignDelay;
  // Since when the leader proposes no new slot (NONE if it is not handing over), and before when
  // it may start again after giving up.
  private long drainingSince = NONE;
  private long retryAt = NONE;
  private boolean handedOver;

  PriorityHandOver(int id, ClusterConfig config, ProtocolOptions options) {
    this.id = id;
    this.config = config;
    this.options = options;
    this.priority = config.priority(id);
    this.campaignDelay = config.priorityRank(id) * options.electionTimeoutMaxMs();
  }

  /** The extra wait before this proposer campaigns, added to its random election timeout. */
  long campaignDelay() {
    return campaignDelay;
  }

  /**
   * A follower of {@code followed} heard {@code heartbeat}: claim leadership if it is from the
   * followed leader, of lower priority, and this proposer knows chosen every slot below {@code
   * knownChosen}, which reaches the heartbeat's commit point.
   */
  void onHeartbeat(Message.Heartbeat heartbeat, Ballot followed, long knownChosen, Outbox out) {
    Ballot leader = heartbeat.ballot();
    if (leader.equals(followed)
        && priority > config.priority(leader.nodeId())
        && knownChosen >= heartbeat.commitSlot()) {
      out.send(heartbeat.from(), new Message.PriorityClaim(id, leader, knownChosen));
    }
  }

  /**
   * The leader of {@code ballot}, with slots {@code commitIndex .. nextSlot - 1} in flight, got
   * {@code claim}: whether it hands over now. If not, a valid claim starts a drain (unless one runs
   * or was given up less than {@code electionTimeoutMax} ago).
   */
  boolean onClaim(
      Message.PriorityClaim claim, Ballot ballot, long commitIndex, long nextSlot, long now) {
    if (!claim.ballot().equals(ballot)
        || claim.from() == id
        || config.priority(claim.from()) <= priority) {
      return false;
    }
    if (commitIndex == nextSlot && claim.chosenBelow() >= commitIndex) {
      return true;
    } else if (drainingSince == NONE && now >= retryAt) {
      drainingSince = now; // propose nothing new until what is in flight is chosen
    }
    return false;
  }

  /** A leader's tick: give the drain up if it took {@code electionTimeoutMin}. */
  void onLeaderTick(long now) {
    if (drainingSince != NONE && now - drainingSince >= options.electionTimeoutMinMs()) {
      // The claimant did not catch up in time: lead on, and wait before pausing proposals again.
      drainingSince = NONE;
      retryAt = now + options.electionTimeoutMaxMs();
    }
  }

  /** Whether the leader proposes no new slot, draining for a hand-over. */
  boolean draining() {
    return drainingSince != NONE;
  }

  /** The proposer campaigns: it has not handed over in this campaign. */
  void onCampaign() {
    handedOver = false;
  }

  /** The proposer became leader: no drain, none given up. */
  void onLeading() {
    drainingSince = NONE;
    retryAt = NONE;
  }

  /** The proposer stepped down: any drain ends. */
  void onStepDown() {
    drainingSince = NONE;
  }

  /** The leader stepped down for a proposer of higher priority. */
  void markHandedOver() {
    handedOver = true;
  }

  /** Whether the proposer's last leadership ended in a hand-over (since it last campaigned). */
  boolean handedOver() {
    return handedOver;
  }
}
