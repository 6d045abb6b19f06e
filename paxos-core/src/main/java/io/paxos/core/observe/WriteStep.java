package io.paxos.core.observe;

/**
 * One step of a write's path through a node, from one stage to the next, as {@link
 * NodeObserver#writeStep} reports it for a sample of the writes ({@link
 * io.paxos.core.runtime.PaxosNodeBuilder#writeStageSampling}). Each step is timed on one node, with
 * that node's clock: {@link #node()} says which, the leader of the slot or a follower that accepts
 * it. Nothing here subtracts the times of two processes.
 *
 * <p>In path order. A leader's slot goes: a command arrives ({@code leader receive}: a {@code
 * submit} at the leader, or a {@code Forward} from another node), waits in the proposer's queue
 * until a batch takes it into a slot ({@code batch closed}: the event-loop turn whose outbox
 * carries the slot's first {@code Accept}); the {@code Accept} leaves for the followers ({@code
 * accept sent}) and comes back to the leader's own acceptor ({@code leader accept taken}, after the
 * batches before it are synced), which queues the vote for the storage ({@code leader persist
 * start}: the storage is handed the accepted entry) and syncs it ({@code leader force done}); the
 * leader's own {@code Accepted} is then counted ({@code leader vote counted}) and the followers'
 * arrive ({@code first follower vote}); a quorum chose the slot ({@code quorum reached}: the turn
 * that delivers it), the apply thread applies it ({@code applied}) and completes the futures of the
 * commands made at the leader ({@code reply sent}: a gRPC reply is written from that completion). A
 * follower's part: the {@code Accept} is taken by its event loop ({@code accept received}), its
 * vote handed to its storage ({@code follower persist start}) and synced ({@code follower force
 * done}), then its {@code Accepted} sent ({@code accepted sent}).
 */
public enum WriteStep {
  /** Leader: a sampled command arrived, then a batch took it into a slot (per command). */
  LEADER_QUEUE("leader", "leader receive", "batch closed"),
  /** Leader: the slot's batch closed, then its first {@code Accept} was handed to the transport. */
  ACCEPT_SEND("leader", "batch closed", "accept sent"),
  /** Leader: batch closed, then its own acceptor took the {@code Accept} (behind earlier syncs). */
  LEADER_ACCEPT("leader", "batch closed", "leader accept taken"),
  /**
   * Leader: batch closed, then the storage was handed the leader's own vote (encloses {@link
   * #LEADER_ACCEPT} while the leader's acceptor takes its {@code Accept} back after the batches
   * before it settled).
   */
  LEADER_PERSIST_QUEUE("leader", "batch closed", "leader persist start"),
  /** Leader: the storage was handed the vote, then a sync covering it returned. */
  LEADER_FORCE("leader", "leader persist start", "leader force done"),
  /** Leader: its sync returned, then the event loop counted its own {@code Accepted}. */
  LEADER_VOTE("leader", "leader force done", "leader vote counted"),
  /** Leader: the {@code Accept} left, then the first follower's {@code Accepted} arrived. */
  FOLLOWER_ROUND_TRIP("leader", "accept sent", "first follower vote"),
  /** Leader: batch closed, then a quorum chose the slot and the leader delivered it. */
  QUORUM("leader", "batch closed", "quorum reached"),
  /** Leader: the slot was delivered as chosen, then the apply thread applied it. */
  APPLY("leader", "quorum reached", "applied"),
  /** Leader: the slot was applied, then the futures of the commands made here completed. */
  REPLY("leader", "applied", "reply sent"),
  /** Leader: batch closed, then the replies were sent (the slot's whole time at the leader). */
  LEADER_TOTAL("leader", "batch closed", "reply sent"),
  /** Follower: its event loop took the {@code Accept}, then the storage was handed the vote. */
  FOLLOWER_PERSIST_QUEUE("follower", "accept received", "follower persist start"),
  /** Follower: the storage was handed the vote, then a sync covering it returned. */
  FOLLOWER_FORCE("follower", "follower persist start", "follower force done"),
  /** Follower: its sync returned, then its {@code Accepted} was handed to the transport. */
  FOLLOWER_ACK("follower", "follower force done", "accepted sent");

  private final String node;
  private final String from;
  private final String to;

  WriteStep(String node, String from, String to) {
    this.node = node;
    this.from = from;
    this.to = to;
  }

  /** {@return where the step is timed: "leader" or "follower"} */
  public String node() {
    return node;
  }

  /** {@return the stage the step starts at, e.g. "batch closed"} */
  public String from() {
    return from;
  }

  /** {@return the stage the step ends at, e.g. "accept sent"} */
  public String to() {
    return to;
  }

  /** {@return "from -> to", for a table or a log line} */
  public String label() {
    return from + " -> " + to;
  }

  /** {@return the name in lower case, for a metric tag: "leader_force"} */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
