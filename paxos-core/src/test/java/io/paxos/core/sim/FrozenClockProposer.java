package io.paxos.core.sim;

import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;

/**
 * A broken proposer for {@link MutantTest}: while it leads, it judges its lease against the time of
 * the last heartbeat acknowledgement it received from another node, as if its clock had stood still
 * since: a leader that was paused or cut off from the other acceptors goes on serving lease reads
 * after its lease ended, for as long as it believes it leads.
 */
final class FrozenClockProposer extends DelegatingProposer {
  private final int id;
  private long lastAcknowledged = Long.MIN_VALUE;

  FrozenClockProposer(int id, Proposer delegate) {
    super(delegate);
    this.id = id;
  }

  @Override
  public void onHeartbeatAck(Message.HeartbeatAck ack, long now, Outbox out) {
    if (ack.from() != id) {
      lastAcknowledged = now;
    }
    super.onHeartbeatAck(ack, now, out);
  }

  @Override
  public void flush(long now, Outbox out) {
    boolean frozen = isLeader() && lastAcknowledged != Long.MIN_VALUE;
    super.flush(frozen ? Math.min(now, lastAcknowledged) : now, out);
  }
}
