package io.paxos.core.runtime;

import io.paxos.core.Term;
import io.paxos.core.observe.LeadershipLoss;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Learner;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.Storage;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Derives a node's events from what its protocol does, for the {@link NodeObserver}, and publishes
 * its current values as {@link NodeGauges}. The protocol knows nothing of it: the event loop calls
 * {@link #submitted()} per command it hands over and {@link #afterTurn} once per turn, after the
 * protocol's flush and before the outbox is carried out, and this compares the protocol's state and
 * outbox with the turn before.
 *
 * <p>Commit latency is measured per slot at the leader: from the turn whose outbox first carries
 * the leader's {@code Accept} for a slot to the turn that delivers the slot to its learner. The
 * send times are kept in a ring of {@value #RING} slots (a slot further than that behind is not
 * measured), so nothing is allocated per slot or per command.
 *
 * <p><b>Threading.</b> {@link #submitted()} and {@link #afterTurn} are for the event loop only; the
 * {@link NodeGauges} methods may be called from any thread (they read volatile fields published at
 * the end of each turn).
 */
final class NodeMonitor implements NodeGauges {
  private static final int RING = 4096;

  private final int nodeId;
  private final NodeObserver observer;
  private final Proposer proposer;
  private final Learner learner;
  private final Acceptor acceptor;
  private final LongSupplier appliedSlot;
  private final Storage storage;
  private final WriteStages stages;

  // Published for the gauges.
  private volatile boolean leader;
  private volatile int leaderId;
  private volatile long ballotRound;
  private volatile long commitSlot;
  private volatile long messagesRefused;

  // Event loop only.
  private int submitted;
  private Ballot ledWith = Ballot.ZERO;
  private int knownLeader;
  private final long[] sentSlot = new long[RING];
  private final long[] sentAt = new long[RING];
  private long catchUpTarget = -1;
  private long catchUpSince;
  private final PeerStates peers = new PeerStates();
  private boolean campaignsStopped;

  /** Keeps the transport's latest report on each peer, for {@link #peersReachable()}. */
  static final class PeerStates implements NodeObserver {
    private final java.util.concurrent.ConcurrentHashMap<Integer, Boolean> reachable =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void peerReachable(int peer) {
      reachable.put(peer, true);
    }

    @Override
    public void peerUnreachable(int peer, String why) {
      reachable.put(peer, false);
    }
  }

  /** Whether the transport last reported {@code peer} reachable (any thread). */
  boolean reachable(int peer) {
    return Boolean.TRUE.equals(peers.reachable.get(peer));
  }

  NodeMonitor(
      ProtocolNode protocol,
      NodeObserver observer,
      LongSupplier appliedSlot,
      Storage storage,
      WriteStages stages) {
    this.nodeId = protocol.id();
    this.observer = observer;
    this.proposer = protocol.proposer().orElse(null);
    this.learner = protocol.learner().orElse(null);
    this.acceptor = protocol.acceptor().orElse(null);
    this.appliedSlot = appliedSlot;
    this.storage = storage;
    this.stages = stages;
    publish(protocol);
  }

  NodeObserver observer() {
    return observer;
  }

  /** The node's write-stage sampling (off unless the builder set it). */
  WriteStages stages() {
    return stages;
  }

  /** What the transport must report peer events to: the node's observer and these gauges. */
  NodeObserver peerObserver() {
    return ObserverChain.of(List.of(peers, observer)); // the gauges first: observers may read them
  }

  /** A message from peer {@code from} was refused and dropped: {@code why} (event loop). */
  void refused(int from, String why) {
    messagesRefused++; // written by the event loop only
    observer.messageRefused(from, why);
  }

  /** A command made at this node was handed to the protocol (event loop). */
  void submitted() {
    submitted++;
  }

  /** Report what this turn did (event loop, after the flush, before the outbox is carried out). */
  void afterTurn(ProtocolNode protocol, Outbox out) {
    if (submitted > 0) {
      observer.proposed(submitted);
      submitted = 0;
    }
    boolean leads = protocol.isLeader();
    stages.turn(out, leads);
    long now = 0;
    boolean catchingUp = false;
    for (int i = 0; i < out.sendCount(); i++) {
      Message m = out.sendMessage(i);
      if (m instanceof Message.Accept a) {
        if (leads && a.from() == nodeId) {
          now = now == 0 ? System.nanoTime() : now;
          noteSent(a.firstSlot(), a.endSlot(), now);
        }
      } else if (m instanceof Message.CatchUpRequest || m instanceof Message.AcceptedQuery) {
        catchingUp = true;
      }
    }
    List<Outbox.Delivery> deliveries = out.deliveries();
    for (int i = 0; i < deliveries.size(); i++) {
      Outbox.Delivery d = deliveries.get(i);
      observer.chosen(d.slot(), d.value().commands().size());
      int index = (int) (d.slot() & (RING - 1));
      if (sentSlot[index] == d.slot()) {
        sentSlot[index] = 0;
        now = now == 0 ? System.nanoTime() : now;
        observer.commitLatency(now - sentAt[index]);
      }
    }
    leadership(leads);
    catchUp(catchingUp);
    if (!campaignsStopped && proposer != null && proposer.campaignsStopped()) {
      campaignsStopped = true;
      observer.campaignsStopped(
          Terms.of(Ballot.max(protocol.ballot(), proposer.leaderBallot())), Ballot.MAX_ROUND);
    }
    publish(protocol);
  }

  /** Remember when the first Accept of each slot left (a retransmission keeps the first time). */
  private void noteSent(long from, long end, long now) {
    for (long slot = from; slot < end; slot++) {
      int index = (int) (slot & (RING - 1));
      if (sentSlot[index] != slot) {
        sentSlot[index] = slot;
        sentAt[index] = now;
      }
    }
  }

  private void leadership(boolean leads) {
    if (leads && !leader) {
      ledWith = proposer.ballot();
      observer.becameLeader(Terms.of(ledWith));
    } else if (!leads && leader && proposer != null) {
      java.util.Arrays.fill(sentSlot, 0); // what it sent is no longer its to measure
      Ballot higher = proposer.leaderBallot();
      Term led = Terms.of(ledWith);
      if (higher.isAbove(ledWith)) {
        observer.lostLeadership(led, LeadershipLoss.HIGHER_BALLOT, Terms.of(higher));
      } else if (proposer.handedOver()) {
        observer.lostLeadership(led, LeadershipLoss.HANDED_OVER, Term.NONE);
      } else {
        observer.lostLeadership(led, LeadershipLoss.QUORUM_LOST, Term.NONE);
      }
    }
  }

  private void catchUp(boolean requested) {
    if (learner == null) {
      return;
    }
    if (catchUpTarget < 0 && requested) {
      catchUpTarget = learner.chosenBelow();
      catchUpSince = System.nanoTime();
      observer.catchUpStarted(learner.nextSlot(), catchUpTarget - 1);
    } else if (catchUpTarget >= 0 && learner.nextSlot() >= catchUpTarget) {
      catchUpTarget = -1;
      observer.catchUpFinished(learner.nextSlot() - 1, System.nanoTime() - catchUpSince);
    }
  }

  private void publish(ProtocolNode protocol) {
    int hint = protocol.leaderHint();
    if (hint != 0 && hint != knownLeader) {
      knownLeader = hint;
      observer.leaderChanged(hint);
    }
    leaderId = hint;
    leader = protocol.isLeader();
    long round = 0;
    if (proposer != null) {
      round = Math.max(proposer.ballot().round(), proposer.leaderBallot().round());
    }
    if (acceptor != null) {
      round = Math.max(round, acceptor.promised().round());
    }
    ballotRound = round;
    if (learner != null) {
      commitSlot = learner.chosenBelow() - 1;
    }
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public int leaderId() {
    return leaderId;
  }

  @Override
  public long ballotRound() {
    return ballotRound;
  }

  @Override
  public long appliedSlot() {
    return appliedSlot.getAsLong();
  }

  @Override
  public long commitSlot() {
    return commitSlot;
  }

  @Override
  public long messagesRefused() {
    return messagesRefused;
  }

  @Override
  public java.util.Map<Integer, Boolean> peersReachable() {
    return new java.util.TreeMap<>(peers.reachable);
  }

  @Override
  public java.util.Optional<io.paxos.core.storage.SnapshotInfo> latestSnapshot() {
    try {
      return storage.snapshots().latest();
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public long logBytes() {
    try {
      return storage.logBytes();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
