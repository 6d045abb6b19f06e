package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * MUTANT, for tests only: a complete acceptor with one rule broken. It accepts an {@code Accept}
 * whatever its ballot, even below the ballot it promised ("Paxos Made Simple": an acceptor can
 * accept a proposal numbered n iff it has not responded to a prepare request having a number
 * greater than n). Everything else, including persisting before replying, is correct.
 */
final class SloppyAcceptor implements Acceptor {
  private final int id;
  private int[] learners;
  private final boolean toLearners;
  private final TreeMap<Long, AcceptedEntry> accepted = new TreeMap<>();
  private Ballot promised;

  SloppyAcceptor(int id, ClusterConfig config, boolean toLearners, DurableState state) {
    this.id = id;
    this.learners = config.idsWith(Role.LEARNER);
    this.toLearners = toLearners;
    this.promised = state.promised();
    for (AcceptedEntry e : state.accepted()) {
      accepted.put(e.slot(), e);
    }
  }

  @Override
  public Ballot promised() {
    return promised;
  }

  @Override
  public void adoptMembership(io.paxos.core.protocol.Membership membership) {
    learners = membership.config().idsWith(Role.LEARNER);
  }

  @Override
  public Optional<AcceptedEntry> accepted(long slot) {
    return Optional.ofNullable(accepted.get(slot));
  }

  @Override
  public void onPrepare(Message.Prepare prepare, long now, Outbox out) {
    if (!prepare.ballot().isAtLeast(promised)) {
      out.send(prepare.from(), new Message.Nack(id, prepare.ballot(), promised));
      return;
    }
    if (prepare.ballot().isAbove(promised)) {
      promised = prepare.ballot();
      out.persistPromise(promised);
    }
    List<AcceptedEntry> report = new ArrayList<>(accepted.tailMap(prepare.fromSlot()).values());
    out.send(prepare.from(), new Message.Promise(id, prepare.ballot(), prepare.fromSlot(), report));
  }

  @Override
  public void onAccept(Message.Accept accept, long now, Outbox out) {
    // The broken rule: no check against the promise.
    if (accept.ballot().isAbove(promised)) {
      promised = accept.ballot();
      out.persistPromise(promised);
    }
    long slot = accept.firstSlot();
    for (Value value : accept.values()) {
      AcceptedEntry entry = new AcceptedEntry(slot++, accept.ballot(), value);
      accepted.put(entry.slot(), entry);
      out.persistAccepted(entry);
    }
    Message.Accepted vote =
        new Message.Accepted(id, accept.ballot(), accept.firstSlot(), accept.values().size());
    out.send(accept.from(), vote);
    if (toLearners) {
      for (int learner : learners) {
        if (learner != accept.from()) {
          out.send(learner, vote);
        }
      }
    }
  }

  @Override
  public void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {
    if (!heartbeat.ballot().isAtLeast(promised)) {
      out.send(heartbeat.from(), new Message.Nack(id, heartbeat.ballot(), promised));
      return;
    }
    if (heartbeat.ballot().isAbove(promised)) {
      promised = heartbeat.ballot();
      out.persistPromise(promised);
    }
    out.send(
        heartbeat.from(), new Message.HeartbeatAck(id, heartbeat.ballot(), heartbeat.sequence()));
  }
}
