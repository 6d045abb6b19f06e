package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Where a node's client commands and reads go ({@link ProtocolNode#submit}, {@link
 * ProtocolNode#read}): to its own proposer when it leads, to the leader it hears of otherwise
 * (commands in a {@code Forward} at the next flush), and while no leader is known, commands wait
 * here (up to {@link ProtocolNode#MAX_PARKED} and {@link ProtocolOptions#maxQueuedBytes()} of
 * payload). Work forwarded and not answered is sent again when another node leads, and reads asked
 * of another node are asked again after an election timeout ({@link ForwardedWork}). The leader's
 * side of a {@code Forward} is here too. Not thread-safe: its {@link ProtocolNode}'s thread calls
 * it.
 */
final class LeaderRouting {
  private final int id;
  private final ProtocolOptions options;
  private final Proposer proposer; // null on a node without one
  // Forwarded and not answered yet: sent again when another node leads.
  private final ForwardedWork forwarded;
  private final CommandCarrier commands;
  // Whether the current membership no longer has this node: it serves nothing any more.
  private final BooleanSupplier removed;
  // The highest ballot heard in a leader's message, and the node that sent it (0 if none).
  private Ballot heardBallot = Ballot.ZERO;
  private int heardLeader;
  private final Map<Integer, List<Command>> forwards = new TreeMap<>();
  private final List<Command> parked = new ArrayList<>();
  private long parkedBytes;

  LeaderRouting(
      int id,
      ProtocolOptions options,
      Proposer proposer,
      CommandCarrier commands,
      BooleanSupplier removed) {
    this.id = id;
    this.options = options;
    this.proposer = proposer;
    this.forwarded = new ForwardedWork(id, ProtocolNode.MAX_PARKED, options.maxQueuedBytes());
    this.commands = commands;
    this.removed = removed;
  }

  /** See {@link ProtocolNode#leaderHint}. */
  int leaderHint() {
    // A node with a proposer trusts its proposer's view: during its own campaign that is "none".
    return proposer != null ? proposer.leaderHint() : heardLeader;
  }

  /** The highest ballot heard in a leader's message ({@link Ballot#ZERO} if none). */
  Ballot heardBallot() {
    return heardBallot;
  }

  /** A message from {@code from}, leading with {@code ballot}. */
  void heard(Ballot ballot, int from) {
    if (ballot.isAtLeast(heardBallot)) {
      heardBallot = ballot;
      heardLeader = from;
    }
  }

  /** See {@link ProtocolNode#submit}. */
  void submit(Command command, long now, Outbox out) {
    int leader = leaderHint();
    if (removed.getAsBoolean()) {
      out.abandon(List.of(command), Outbox.Rejection.NOT_LEADER, 0); // serves nothing any more
    } else if (leader == 0) {
      if (parked.size() < ProtocolNode.MAX_PARKED
          && parkedBytes + command.payload().length <= options.maxQueuedBytes()) {
        parked.add(command);
        parkedBytes += command.payload().length;
      } else {
        out.abandon(List.of(command), Outbox.Rejection.OVERLOADED, 0);
      }
    } else if (leader == id && proposer != null) {
      proposer.propose(command, now, out);
    } else {
      forwards.computeIfAbsent(leader, k -> new ArrayList<>()).add(command);
    }
  }

  /** Whether commands forwarded from this node wait for their delivery here. */
  boolean awaitsDelivery() {
    return forwarded.commandCount() > 0;
  }

  /** This node's learner delivered {@code value}: its commands forwarded from here are answered. */
  void delivered(Value value) {
    if (forwarded.commandCount() > 0) {
      for (Command c : value.commands()) {
        forwarded.delivered(c);
      }
    }
  }

  /** See {@link ProtocolNode#read}. */
  void read(long readId, long now, Outbox out) {
    int leader = leaderHint();
    if (removed.getAsBoolean()) {
      out.readIndex(new Outbox.ReadIndex(readId, false, 0, 0));
    } else if (proposer != null && leader == id) {
      requestRead(id, readId, now, out);
    } else if (leader != 0 && leader != id) {
      out.send(leader, new Message.ReadIndexRequest(id, readId));
      forwarded.readSent(readId, leader, now);
    } else {
      out.readIndex(new Outbox.ReadIndex(readId, false, 0, 0));
    }
  }

  /** A read made at another node, asked of this one as its leader. */
  void onReadIndexRequest(Message.ReadIndexRequest m, long now, Outbox out) {
    if (proposer != null) {
      requestRead(m.from(), m.readId(), now, out);
    } else {
      out.send(m.from(), new Message.ReadIndexReply(id, m.readId(), false, 0, leaderHint()));
    }
  }

  /** A read made at {@code origin}, asked of this node's proposer. */
  private void requestRead(int origin, long readId, long now, Outbox out) {
    if ((readId & ProtocolNode.LEASE_READ) != 0) {
      proposer.requestLeaseRead(origin, readId, now, out);
    } else {
      proposer.requestReadIndex(origin, readId, now, out);
    }
  }

  /** Commands another node forwarded to this one as its leader. */
  void onForward(Message.Forward m, long now, Outbox out) {
    for (Command c : m.commands()) {
      if (proposer != null) {
        proposer.proposeForwarded(c, m.leaderBallot(), now, out);
      } else if (m.leaderBallot().nodeId() == id && !c.inSession()) {
        // Addressed to this node as leader: an earlier incarnation, wiped since, may have
        // proposed a first copy of it (a duplicate or a retransmission arrives late). Only a
        // session command is safe to call not proposed: its retry is deduplicated.
        out.abandon(List.of(c), Outbox.Rejection.OUTCOME_UNKNOWN, leaderHint());
      } else {
        out.abandon(List.of(c), Outbox.Rejection.NOT_LEADER, leaderHint());
      }
    }
  }

  /** Commands this node forwarded, handed back: abandoned unless forwarded elsewhere since. */
  void onForwardRejected(Message.ForwardRejected m, Outbox out) {
    List<Command> handBack = new ArrayList<>(m.commands().size());
    for (Command c : m.commands()) {
      if (forwarded.rejected(c, m.from())) {
        handBack.add(c);
      }
    }
    if (!handBack.isEmpty()) {
      out.abandon(handBack, m.reason(), m.leaderHint());
    }
  }

  /** A read index asked of {@code m.from()}, answered (unless asked elsewhere since). */
  void onReadIndexReply(Message.ReadIndexReply m, Outbox out) {
    if (forwarded.answered(m.readId(), m.from(), m.ok())) {
      out.readIndex(new Outbox.ReadIndex(m.readId(), m.ok(), m.readIndex(), m.leaderHint()));
    }
  }

  /**
   * Once another node leads than the one this node forwarded work to, send that work again: to the
   * new leader, or to this node's proposer if it leads (see {@link ForwardedWork}).
   */
  void followLeader(long now, Outbox out) {
    int leader = leaderHint();
    ForwardedWork.Rerouted again = forwarded.rerouted(leader);
    for (Command c : again.commands()) {
      if (leader == id && proposer != null) {
        proposer.propose(c, now, out);
        forwarded.forwarded(c, id); // a late refusal from the old leader is stale now
      } else {
        forwards.computeIfAbsent(leader, k -> new ArrayList<>()).add(c);
      }
    }
    for (long readId : again.reads()) {
      read(readId, now, out);
    }
  }

  /**
   * Ask again for the read indexes asked of another node more than an election timeout ago and not
   * answered: a request or reply lost on a cut link would otherwise wait for the caller's timeout
   * though the leader is reachable again.
   */
  void askAgainForReads(long now, Outbox out) {
    int leader = leaderHint();
    if (leader == 0 || leader == id) {
      return; // they wait for a leader; followLeader hands them to it (or to this node's proposer)
    }
    for (long readId : forwarded.unansweredSince(now - options.electionTimeoutMinMs())) {
      read(readId, now, out);
    }
  }

  /** Once a leader is known, route the commands that waited for one. */
  void releaseParked(long now, Outbox out) {
    if (!parked.isEmpty() && leaderHint() != 0) {
      List<Command> ready = List.copyOf(parked);
      parked.clear();
      parkedBytes = 0;
      for (Command c : ready) {
        submit(c, now, out);
      }
    }
  }

  /** Send the commands routed to other nodes since the last flush, as {@code Forward}s. */
  void sendForwards(Outbox out) {
    if (!forwards.isEmpty()) {
      for (Map.Entry<Integer, List<Command>> e : forwards.entrySet()) {
        int to = e.getKey();
        Ballot ballot = forwardBallot(to);
        for (List<Command> part : commands.split(e.getValue())) {
          out.send(to, new Message.Forward(id, ballot, part));
        }
        for (Command c : e.getValue()) {
          forwarded.forwarded(c, to);
        }
      }
      forwards.clear();
    }
  }

  /** The ballot this node believes {@code to} leads with, for its Forwards; ZERO if unknown. */
  private Ballot forwardBallot(int to) {
    Ballot fromProposer = proposer != null ? proposer.leaderBallot() : Ballot.ZERO;
    if (fromProposer.nodeId() == to) {
      return fromProposer;
    }
    return heardBallot.nodeId() == to ? heardBallot : Ballot.ZERO;
  }
}
