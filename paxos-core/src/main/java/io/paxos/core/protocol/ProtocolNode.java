package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The deterministic protocol state of one node: the roles it hosts, and the routing of inputs to
 * them. The runtime ({@code PaxosNode}) and the simulator drive it the same way:
 *
 * <ol>
 *   <li>feed inputs with {@link #receive}, {@link #submit}, {@link #read} and {@link #tick};
 *   <li>call {@link #flush} once the available inputs are consumed (this is where commands are
 *       batched into slots);
 *   <li>carry out the {@link Outbox}: persist and sync, then send, then deliver.
 * </ol>
 *
 * <p>Not thread-safe: exactly one thread calls it. It never blocks, reads no clock (time is passed
 * in), does no I/O, and takes its randomness from the generator it is given.
 */
public final class ProtocolNode {
  private final int id;
  private final ClusterConfig config;
  private final ProtocolOptions options;
  private final Acceptor acceptor;
  private final Proposer proposer;
  private final Learner learner;
  private final Map<Integer, List<Command>> forwards = new TreeMap<>();
  private final List<Value> recovered;
  private final long recoveredFrom;
  private int leaderHint;
  private Ballot leaderBallot = Ballot.ZERO;

  public ProtocolNode(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state,
      RoleFactory roles) {
    Member me =
        config
            .member(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "node id "
                            + id
                            + " is not a member of cluster "
                            + config.clusterId()
                            + " (members: "
                            + java.util.Arrays.toString(config.ids())
                            + ")"));
    this.id = id;
    this.config = config;
    this.options = options;
    this.acceptor = me.has(Role.ACCEPTOR) ? roles.acceptor(id, config, options, state) : null;
    this.proposer =
        me.has(Role.PROPOSER) ? roles.proposer(id, config, options, random, state) : null;
    this.learner =
        me.has(Role.LEARNER)
            ? roles.learner(id, config, options, state.chosen().size() + 1L, this::leaderHint)
            : null;
    List<Value> chosen = state.chosen();
    int keep = (int) Math.min(chosen.size(), options.retainedSlots());
    this.recovered = List.copyOf(chosen.subList(chosen.size() - keep, chosen.size()));
    this.recoveredFrom = chosen.size() - keep + 1L;
  }

  public int id() {
    return id;
  }

  public ClusterConfig config() {
    return config;
  }

  public Optional<Acceptor> acceptor() {
    return Optional.ofNullable(acceptor);
  }

  public Optional<Proposer> proposer() {
    return Optional.ofNullable(proposer);
  }

  public Optional<Learner> learner() {
    return Optional.ofNullable(learner);
  }

  public boolean isLeader() {
    return proposer != null && proposer.isLeader();
  }

  /** The node believed to lead (this node when it does), 0 if none is known. */
  public int leaderHint() {
    if (proposer != null && proposer.leaderHint() != 0) {
      return proposer.leaderHint();
    }
    return leaderHint;
  }

  /** Advance the roles' timers to {@code now}. */
  public void tick(long now, Outbox out) {
    if (proposer != null) {
      proposer.tick(now, out);
    }
    if (learner != null) {
      learner.tick(now, out);
    }
    routeAbandoned(out);
  }

  /**
   * Propose a client command: at this node if it leads (or campaigns with no other leader known),
   * otherwise forwarded to the leader at the next {@link #flush}. A command that cannot be placed
   * comes back through {@link Outbox#abandon}.
   */
  public void submit(Command command, long now, Outbox out) {
    int leader = leaderHint();
    if (proposer != null && (leader == id || leader == 0)) {
      proposer.propose(command, now, out);
    } else if (leader != 0 && leader != id) {
      forwards.computeIfAbsent(leader, k -> new ArrayList<>()).add(command);
    } else {
      out.abandon(List.of(command), Outbox.Rejection.NOT_LEADER, 0);
    }
  }

  /**
   * Ask for a read index for the read {@code readId} made at this node (answered in the outbox).
   */
  public void read(long readId, long now, Outbox out) {
    int leader = leaderHint();
    if (proposer != null && leader == id) {
      proposer.requestReadIndex(id, readId, now, out);
    } else if (leader != 0 && leader != id) {
      out.send(leader, new Message.ReadIndexRequest(id, readId));
    } else {
      out.readIndex(new Outbox.ReadIndex(readId, false, 0, 0));
    }
  }

  /** Consume one message from the network (or from this node itself, after the sync). */
  public void receive(Message message, long now, Outbox out) {
    if (message instanceof Message.Prepare m) {
      if (acceptor != null) {
        acceptor.onPrepare(m, now, out);
      }

    } else if (message instanceof Message.Promise m) {
      if (proposer != null) {
        proposer.onPromise(m, now, out);
      }

    } else if (message instanceof Message.Accept m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (acceptor != null) {
        acceptor.onAccept(m, now, out);
      }
      if (learner != null) {
        learner.onAccept(m, now, out);
      }

    } else if (message instanceof Message.Accepted m) {
      if (proposer != null) {
        proposer.onAccepted(m, now, out);
      }
      if (learner != null) {
        learner.onAccepted(m, now, out);
      }

    } else if (message instanceof Message.Nack m) {
      if (proposer != null) {
        proposer.onNack(m, now, out);
      }

    } else if (message instanceof Message.Commit m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (learner != null) {
        learner.onCommit(m.ballot(), m.commitSlot(), now, out);
      }

    } else if (message instanceof Message.Heartbeat m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (acceptor != null) {
        acceptor.onHeartbeat(m, now, out);
      }
      if (learner != null) {
        learner.onCommit(m.ballot(), m.commitSlot(), now, out);
      }

    } else if (message instanceof Message.HeartbeatAck m) {
      if (proposer != null) {
        proposer.onHeartbeatAck(m, now, out);
      }

    } else if (message instanceof Message.CatchUpRequest m) {
      serveCatchUp(m, out);
    } else if (message instanceof Message.CatchUpReply m) {
      if (learner != null) {
        learner.onCatchUpReply(m, now, out);
      }

    } else if (message instanceof Message.AcceptedQuery m) {
      if (acceptor != null) {
        answerQuery(m, out);
      }
    } else if (message instanceof Message.AcceptedReport m) {
      if (learner != null) {
        learner.onAcceptedReport(m, now, out);
      }

    } else if (message instanceof Message.Forward m) {
      for (Command c : m.commands()) {
        if (proposer != null) {
          proposer.propose(c, now, out);
        } else {
          out.abandon(List.of(c), Outbox.Rejection.NOT_LEADER, leaderHint());
        }
      }

    } else if (message instanceof Message.ForwardRejected m) {
      out.abandon(m.commands(), Outbox.Rejection.NOT_LEADER, m.leaderHint());
    } else if (message instanceof Message.ReadIndexRequest m) {
      if (proposer != null) {
        proposer.requestReadIndex(m.from(), m.readId(), now, out);
      } else {
        out.send(m.from(), new Message.ReadIndexReply(id, m.readId(), false, 0, leaderHint()));
      }

    } else if (message instanceof Message.ReadIndexReply m) {
      out.readIndex(new Outbox.ReadIndex(m.readId(), m.ok(), m.readIndex(), m.leaderHint()));
    } else if (message instanceof Message.CommandResult) {
      // Results are the runtime's business; it intercepts them before the protocol.

    }
    if (learner != null && proposer != null) {
      proposer.onChosenPrefix(learner.nextSlot());
    }
    routeAbandoned(out);
  }

  /**
   * Send what the inputs since the last flush produced: batches of queued commands as {@code
   * Accept}s, the commit point, forwarded commands.
   */
  public void flush(long now, Outbox out) {
    if (proposer != null) {
      proposer.flush(now, out);
    }
    if (!forwards.isEmpty()) {
      for (Map.Entry<Integer, List<Command>> e : forwards.entrySet()) {
        out.send(e.getKey(), new Message.Forward(id, List.copyOf(e.getValue())));
      }
      forwards.clear();
    }
    routeAbandoned(out);
  }

  private void observeLeader(Ballot ballot, long commitSlot, int from, long now, Outbox out) {
    if (ballot.isAtLeast(leaderBallot)) {
      leaderBallot = ballot;
      leaderHint = from;
    }
    if (proposer != null && from != id) {
      proposer.onLeaderMessage(ballot, commitSlot, now, out);
    }
  }

  private void serveCatchUp(Message.CatchUpRequest request, Outbox out) {
    List<Value> values = new ArrayList<>();
    long slot = request.fromSlot();
    while (values.size() < request.maxSlots()) {
      Optional<Value> v = learner != null ? learner.delivered(slot) : Optional.empty();
      if (v.isEmpty() && proposer != null) {
        v = proposer.chosenValue(slot);
      }
      if (v.isEmpty() && slot >= recoveredFrom && slot < recoveredFrom + recovered.size()) {
        v = Optional.of(recovered.get((int) (slot - recoveredFrom)));
      }
      if (v.isEmpty()) {
        break;
      }
      values.add(v.get());
      slot++;
    }
    if (!values.isEmpty()) {
      out.send(request.from(), new Message.CatchUpReply(id, request.fromSlot(), values));
    }
  }

  /** Report what this acceptor accepted in the queried slots (read-only: nothing to persist). */
  private void answerQuery(Message.AcceptedQuery query, Outbox out) {
    long to = Math.min(query.toSlot(), query.fromSlot() + options.maxSlotsPerMessage());
    List<AcceptedEntry> entries = new ArrayList<>();
    for (long slot = query.fromSlot(); slot < to; slot++) {
      acceptor.accepted(slot).ifPresent(entries::add);
    }
    out.send(
        query.from(),
        new Message.AcceptedReport(id, query.queryId(), query.fromSlot(), to, entries));
  }

  /** Commands abandoned here on behalf of another node go back to it as {@code ForwardRejected}. */
  private void routeAbandoned(Outbox out) {
    List<Outbox.Abandoned> abandoned = out.abandoned();
    for (int i = abandoned.size() - 1; i >= 0; i--) {
      Outbox.Abandoned a = abandoned.get(i);
      Map<Integer, List<Command>> byOrigin = new TreeMap<>();
      List<Command> mine = new ArrayList<>();
      for (Command c : a.commands()) {
        if (c.origin() == id) {
          mine.add(c);
        } else {
          byOrigin.computeIfAbsent(c.origin(), k -> new ArrayList<>()).add(c);
        }
      }
      if (byOrigin.isEmpty()) {
        continue;
      }
      abandoned.remove(i);
      if (!mine.isEmpty()) {
        abandoned.add(new Outbox.Abandoned(List.copyOf(mine), a.reason(), a.leaderHint()));
      }
      for (Map.Entry<Integer, List<Command>> e : byOrigin.entrySet()) {
        out.send(
            e.getKey(), new Message.ForwardRejected(id, List.copyOf(e.getValue()), a.leaderHint()));
      }
    }
  }
}
