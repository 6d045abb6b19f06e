package io.paxos.core.protocol;

import java.util.List;

/**
 * The messages of the protocol, named as in "Paxos Made Simple" where the paper names them: what
 * the roles of a {@link ProtocolNode} send each other. Each carries the id of the node that sent it
 * in {@code from}; the transport carries the destination. What the hosts alone exchange (results,
 * snapshot transfers) is not here but in {@code io.paxos.core.host.HostMessage}; both are {@link
 * PeerMessage}s.
 *
 * <p>Messages are immutable values. Lists inside them are never changed after the message is built,
 * so one message may be sent to many nodes and handled by many threads.
 */
public sealed interface Message extends PeerMessage {

  /**
   * Phase 1a: a proposer asks acceptors to promise {@code ballot} for every slot from {@code
   * fromSlot}.
   */
  record Prepare(int from, Ballot ballot, long fromSlot) implements Message {}

  /**
   * Phase 1b: the acceptor promises {@code ballot} and reports everything it accepted at or above
   * {@code fromSlot}. That is the {@code Prepare}'s {@code fromSlot}, or a later slot when the
   * acceptor has compacted the slots below it: those are all chosen, and the leader must not
   * propose in them.
   *
   * <p>A report too large for one message ({@code maxMessageBytes}) comes in parts: a part that
   * reports the slots {@code fromSlot .. nextFrom - 1} only has a non-zero {@code nextFrom}, and
   * the proposer asks for the rest with a {@code Prepare} of the same ballot from {@code nextFrom}.
   * The acceptor counts towards the phase-1 quorum once a {@link #complete()} part arrived.
   */
  record Promise(
      int from, Ballot ballot, long fromSlot, List<AcceptedEntry> accepted, long nextFrom)
      implements Message {

    /** A promise reporting everything from {@code fromSlot} on. */
    public Promise(int from, Ballot ballot, long fromSlot, List<AcceptedEntry> accepted) {
      this(from, ballot, fromSlot, accepted, 0);
    }

    /** Whether this part reports every accepted slot from {@code fromSlot} on. */
    public boolean complete() {
      return nextFrom == 0;
    }
  }

  /**
   * Phase 2a for the consecutive slots {@code firstSlot .. firstSlot + values.size() - 1}, with the
   * leader's commit point piggybacked: every slot below {@code commitSlot} is chosen.
   */
  record Accept(int from, Ballot ballot, long firstSlot, List<Value> values, long commitSlot)
      implements Message {
    public long endSlot() {
      return firstSlot + values.size();
    }
  }

  /**
   * Phase 2b: the acceptor accepted {@code ballot} for {@code count} slots from {@code firstSlot}.
   */
  record Accepted(int from, Ballot ballot, long firstSlot, int count) implements Message {}

  /** The acceptor refused {@code rejected} because it has promised the higher {@code promised}. */
  record Nack(int from, Ballot rejected, Ballot promised) implements Message {}

  /**
   * The leader of {@code ballot} tells learners that every slot below {@code commitSlot} is chosen
   * (sent on its own when no {@code Accept} carries the commit point soon enough).
   */
  record Commit(int from, Ballot ballot, long commitSlot) implements Message {}

  /**
   * The leader of {@code ballot} is alive; every slot below {@code commitSlot} is chosen. Acceptors
   * answer with a {@link HeartbeatAck} echoing {@code sequence}, which confirms leadership for
   * read-index reads.
   */
  record Heartbeat(int from, Ballot ballot, long commitSlot, long sequence) implements Message {}

  /** An acceptor has promised nothing above {@code ballot} as of heartbeat {@code sequence}. */
  record HeartbeatAck(int from, Ballot ballot, long sequence) implements Message {}

  /**
   * Leader priority (docs/leader-priority.md): proposer {@code from}, whose priority is above that
   * of the leader of {@code ballot}, is live and knows every slot below {@code chosenBelow} chosen.
   * Sent in answer to that leader's heartbeat, and only when priorities are configured; a leader
   * whose commit point the sender has reached hands leadership over to it.
   */
  record PriorityClaim(int from, Ballot ballot, long chosenBelow) implements Message {}

  /**
   * A learner asks a peer for the chosen values of up to {@code maxSlots} slots from {@code
   * fromSlot}.
   */
  record CatchUpRequest(int from, long fromSlot, int maxSlots) implements Message {}

  /** Chosen values for the slots {@code firstSlot ..}; only values known to be chosen are sent. */
  record CatchUpReply(int from, long firstSlot, List<Value> values) implements Message {}

  /**
   * A learner asks an acceptor what it accepted in the slots {@code fromSlot .. toSlot - 1}, which
   * the learner knows are chosen, to recover values that no peer holds any more (query {@code
   * queryId}).
   */
  record AcceptedQuery(int from, long queryId, long fromSlot, long toSlot) implements Message {}

  /**
   * An acceptor's answer to an {@link AcceptedQuery}: what it accepted in the queried slots. Among
   * the answers of enough acceptors to meet every phase-2 quorum, the entry of the highest ballot
   * of a chosen slot holds its chosen value.
   */
  record AcceptedReport(
      int from, long queryId, long fromSlot, long toSlot, List<AcceptedEntry> accepted)
      implements Message {}

  /**
   * Learner {@code from} holds a durable snapshot covering every slot through {@code slot} (taken
   * of its own state machine or installed from a peer). Learners send it to every node that hosts
   * an acceptor but no learner, when their snapshot advances and again at a slow interval (a lost
   * one only delays compaction). Such an acceptor compacts through the slot a majority of the
   * learners announced (see {@link Acceptor#onSnapshotDurable}).
   */
  record SnapshotDurable(int from, long slot) implements Message {}

  /**
   * A node that is not the leader hands client commands to the node it believes leads with {@code
   * leaderBallot} ({@link Ballot#ZERO} if it does not know the ballot). The ballot tells the
   * receiver whether the commands were meant for its present incarnation or for one before a
   * restart, which may have proposed an earlier copy of this message that it no longer remembers.
   */
  record Forward(int from, Ballot leaderBallot, List<Command> commands) implements Message {}

  /**
   * The receiver of a {@link Forward} could not propose these commands: it does not lead ({@code
   * NOT_LEADER}) or its queue is full ({@code OVERLOADED}). They were not proposed and may be
   * retried. {@code leaderHint} is the node it believes leads, or 0 if it knows none.
   */
  record ForwardRejected(int from, List<Command> commands, Outbox.Rejection reason, int leaderHint)
      implements Message {}

  /**
   * A node asks the leader for a read index, to serve a linearizable read with id {@code readId}.
   */
  record ReadIndexRequest(int from, long readId) implements Message {}

  /**
   * The leader's answer to a {@link ReadIndexRequest}: when {@code ok}, every write acknowledged
   * before the request is in a slot below {@code readIndex}. Otherwise the node does not lead;
   * {@code leaderHint} names who may.
   */
  record ReadIndexReply(int from, long readId, boolean ok, long readIndex, int leaderHint)
      implements Message {}
}
