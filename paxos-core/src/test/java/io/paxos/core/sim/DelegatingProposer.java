package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DefaultProposer;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.protocol.Value;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * A proposer that hands every call to the library's, default methods included, so that a mutant
 * overrides only the one rule it breaks and otherwise behaves exactly like the real proposer.
 */
abstract class DelegatingProposer implements Proposer {
  private final Proposer delegate;

  DelegatingProposer(Proposer delegate) {
    this.delegate = delegate;
  }

  /**
   * Roles whose proposers are the library's, each wrapped by {@code mutant} (given its node id).
   */
  static RoleFactory wrapping(BiFunction<Integer, DefaultProposer, Proposer> mutant) {
    return new RoleFactory() {
      @Override
      public Proposer proposer(
          int id,
          ClusterConfig config,
          ProtocolOptions options,
          RandomGenerator random,
          DurableState state) {
        return mutant.apply(id, new DefaultProposer(id, config, options, random, state));
      }
    };
  }

  @Override
  public boolean isLeader() {
    return delegate.isLeader();
  }

  @Override
  public int leaderHint() {
    return delegate.leaderHint();
  }

  @Override
  public Ballot ballot() {
    return delegate.ballot();
  }

  @Override
  public void tick(long now, Outbox out) {
    delegate.tick(now, out);
  }

  @Override
  public void propose(Command command, long now, Outbox out) {
    delegate.propose(command, now, out);
  }

  @Override
  public Ballot leaderBallot() {
    return delegate.leaderBallot();
  }

  @Override
  public void proposeForwarded(Command command, Ballot leaderBallot, long now, Outbox out) {
    delegate.proposeForwarded(command, leaderBallot, now, out);
  }

  @Override
  public void flush(long now, Outbox out) {
    delegate.flush(now, out);
  }

  @Override
  public void onPromise(Message.Promise promise, long now, Outbox out) {
    delegate.onPromise(promise, now, out);
  }

  @Override
  public void onAccepted(Message.Accepted accepted, long now, Outbox out) {
    delegate.onAccepted(accepted, now, out);
  }

  @Override
  public void onNack(Message.Nack nack, long now, Outbox out) {
    delegate.onNack(nack, now, out);
  }

  @Override
  public void onHeartbeatAck(Message.HeartbeatAck ack, long now, Outbox out) {
    delegate.onHeartbeatAck(ack, now, out);
  }

  @Override
  public void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {
    delegate.onHeartbeat(heartbeat, now, out);
  }

  @Override
  public void onPriorityClaim(Message.PriorityClaim claim, long now, Outbox out) {
    delegate.onPriorityClaim(claim, now, out);
  }

  @Override
  public boolean handedOver() {
    return delegate.handedOver();
  }

  @Override
  public void onLeaderMessage(Ballot ballot, long commitSlot, long now, Outbox out) {
    delegate.onLeaderMessage(ballot, commitSlot, now, out);
  }

  @Override
  public void onChosenPrefix(long slot) {
    delegate.onChosenPrefix(slot);
  }

  @Override
  public void onChosen(long slot, Value value, Outbox out) {
    delegate.onChosen(slot, value, out);
  }

  @Override
  public void onCatchUpReply(Message.CatchUpReply reply, Outbox out) {
    delegate.onCatchUpReply(reply, out);
  }

  @Override
  public void requestReadIndex(int origin, long readId, long now, Outbox out) {
    delegate.requestReadIndex(origin, readId, now, out);
  }

  @Override
  public void requestLeaseRead(int origin, long readId, long now, Outbox out) {
    delegate.requestLeaseRead(origin, readId, now, out);
  }

  @Override
  public Optional<Value> chosenValue(long slot) {
    return delegate.chosenValue(slot);
  }

  @Override
  public Optional<String> proposeMembership(io.paxos.core.config.ClusterConfig next) {
    return delegate.proposeMembership(next);
  }

  @Override
  public Optional<io.paxos.core.protocol.Membership> endedEpoch() {
    return delegate.endedEpoch();
  }

  @Override
  public void adoptMembership(
      io.paxos.core.protocol.Membership next, long now, io.paxos.core.protocol.Outbox out) {
    delegate.adoptMembership(next, now, out);
  }
}
