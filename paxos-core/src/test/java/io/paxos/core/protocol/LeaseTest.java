package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.HeartbeatAck;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import io.paxos.core.protocol.Message.ReadIndexReply;
import io.paxos.core.protocol.Outbox.ReadIndex;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Leader leases (docs/leases.md): the leader's reads from its lease, the acceptors' promises. */
class LeaseTest extends ProposerFixture {
  /** A lease of 200 ms with clocks drifting up to 10%: the leader holds it 160 ms. */
  static final ProtocolOptions LEASED = OPTIONS.withLease(200, 0.1);

  static final long HOLD = LEASED.leaseHoldMs();

  @Test
  @DisplayName("the hold is floor((D - 1)(1 - d) / (1 + d)) - 2: 160 ms for 200 ms and 10%")
  void holdShortensTheDurationByTheDrift() {
    assertThat(HOLD).isEqualTo(160);
    assertThat(OPTIONS.withLease(200, 0).leaseHoldMs()).isEqualTo(197);
    assertThat(OPTIONS.leaseHoldMs()).isZero();
  }

  @Nested
  @DisplayName("the leader")
  class Leader {
    final DefaultProposer p = proposer(1, THREE, LEASED, DurableState.EMPTY);
    Ballot ballot;
    long firstHeartbeat;

    /**
     * Elected at TIMEOUT with its first heartbeat sent then; acknowledged by a quorum at {@code
     * at}.
     */
    void leadWithLease(long at) {
      Prepare prepare = campaign(p);
      p.onPromise(promise(1, prepare), TIMEOUT, out);
      p.onPromise(promise(2, prepare), TIMEOUT, out);
      ballot = prepare.ballot();
      firstHeartbeat = only(out, Heartbeat.class).sequence();
      out.clear();
      p.onHeartbeatAck(new HeartbeatAck(1, ballot, firstHeartbeat), at, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, firstHeartbeat), at, out);
      out.clear();
    }

    @Test
    @DisplayName(
        "serves a lease read at the next turn without a round trip, with the next slot as its"
            + " read index, while the lease holds")
    void servesFromTheLease() {
      leadWithLease(TIMEOUT + 5);
      p.requestLeaseRead(1, 7, TIMEOUT + 10, out);
      p.flush(TIMEOUT + 10, out);
      assertThat(out.readIndexes()).as("not in the turn it arrived").isEmpty();

      p.flush(TIMEOUT + 10, out); // the next turn's clock, read after the read arrived
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(7, true, 1, 1));
      assertThat(sent(out, Heartbeat.class)).as("no round trip").isEmpty();
    }

    @Test
    @DisplayName("answers a lease read from another node with a ReadIndexReply, from its lease")
    void servesARemoteLeaseRead() {
      leadWithLease(TIMEOUT);
      p.requestLeaseRead(3, 8, TIMEOUT + 1, out);
      p.flush(TIMEOUT + 1, out);
      p.flush(TIMEOUT + 2, out);
      assertThat(onlyTo(out, 3, ReadIndexReply.class))
          .isEqualTo(new ReadIndexReply(1, 8, true, 1, 1));
    }

    @Test
    @DisplayName(
        "the lease lasts the hold from when the acknowledged heartbeat was sent, not from the"
            + " acknowledgement: the last turn before it ends serves, the first at its end does not")
    void leaseCountsFromTheSendTime() {
      leadWithLease(TIMEOUT + 100); // acknowledged late: still counts from TIMEOUT
      long end = TIMEOUT + HOLD;
      p.requestLeaseRead(1, 1, end - 2, out);
      p.flush(end - 2, out);
      p.flush(end - 1, out);
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(1, true, 1, 1));
      out.clear();

      p.requestLeaseRead(1, 2, end - 1, out);
      p.flush(end - 1, out);
      p.flush(end, out);
      assertThat(out.readIndexes()).isEmpty();
      assertThat(only(out, Heartbeat.class).ballot())
          .as("a read-index round instead")
          .isEqualTo(ballot);
    }

    @Test
    @DisplayName(
        "a leader paused past its lease falls back to a read-index round for a read that arrived"
            + " while its lease held, and answers it once a quorum confirms")
    void pausedLeaderFallsBack() {
      leadWithLease(TIMEOUT);
      p.requestLeaseRead(1, 9, TIMEOUT + 1, out);
      p.flush(TIMEOUT + 1, out); // paused here, for ten seconds
      p.flush(TIMEOUT + 10_000, out);
      assertThat(out.readIndexes()).isEmpty();
      long seq = only(out, Heartbeat.class).sequence();
      p.onHeartbeatAck(new HeartbeatAck(1, ballot, seq), TIMEOUT + 10_001, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, seq), TIMEOUT + 10_001, out);
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(9, true, 1, 1));
    }

    @Test
    @DisplayName("holds no lease until a phase-2 quorum acknowledged a heartbeat of its leadership")
    void noLeaseWithoutAQuorum() {
      Prepare prepare = campaign(p);
      p.onPromise(promise(1, prepare), TIMEOUT, out);
      p.onPromise(promise(2, prepare), TIMEOUT, out);
      long seq = only(out, Heartbeat.class).sequence();
      out.clear();
      p.onHeartbeatAck(new HeartbeatAck(1, prepare.ballot(), seq), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(2, b(0, 2), seq), TIMEOUT, out); // another ballot's
      p.requestLeaseRead(1, 3, TIMEOUT, out);
      p.flush(TIMEOUT, out);
      p.flush(TIMEOUT + 1, out);
      assertThat(out.readIndexes()).isEmpty();
      assertThat(only(out, Heartbeat.class).ballot()).isEqualTo(prepare.ballot());
    }

    @Test
    @DisplayName(
        "a deposed leader refuses its waiting lease reads and new ones, and holds no lease from"
            + " its old leadership when it leads again")
    void deposedLeaderRefuses() {
      leadWithLease(TIMEOUT);
      p.requestLeaseRead(1, 4, TIMEOUT + 1, out);
      p.onNack(new Nack(2, ballot, b(ballot.round() + 1, 3)), TIMEOUT + 1, out);
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(4, false, 0, 3));
      out.clear();

      p.requestLeaseRead(1, 5, TIMEOUT + 2, out);
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(5, false, 0, 3));
    }

    @Test
    @DisplayName("with leases off, a lease read is a read-index round")
    void leasesOff() {
      DefaultProposer plain = proposer(1, THREE);
      Ballot b = elect(plain, 1, 2);
      plain.requestLeaseRead(1, 6, TIMEOUT, out);
      plain.flush(TIMEOUT, out);
      long seq = only(out, Heartbeat.class).sequence();
      plain.onHeartbeatAck(new HeartbeatAck(1, b, seq), TIMEOUT, out);
      plain.flush(TIMEOUT + 1, out);
      assertThat(out.readIndexes()).isEmpty();
      plain.onHeartbeatAck(new HeartbeatAck(2, b, seq), TIMEOUT, out);
      assertThat(out.readIndexes()).containsExactly(new ReadIndex(6, true, 1, 1));
    }
  }

  @Nested
  @DisplayName("an acceptor")
  class Acceptors {
    final ProtocolOptions leased = LEASED;
    final long duration = leased.leaseDurationMs();
    final long loyalty = leased.electionTimeoutMinMs();

    DefaultAcceptor acceptor(ProtocolOptions options, Ballot promised) {
      return new DefaultAcceptor(
          1, THREE, options, new DurableState(promised, List.of(), 0, List.of()));
    }

    boolean promises(DefaultAcceptor a, Ballot ballot, long now) {
      out.clear();
      a.onPrepare(new Prepare(ballot.nodeId(), ballot, 1), now, out);
      boolean promised = !sent(out, Promise.class).isEmpty();
      out.clear();
      return promised;
    }

    @Test
    @DisplayName(
        "after a restart with a promise, refuses other proposers until the lease duration after"
            + " its first turn, as it may have granted a lease it forgot")
    void restartedAcceptorKeepsItsPromise() {
      DefaultAcceptor a = acceptor(leased, b(5, 2));
      assertThat(promises(a, b(6, 3), 0)).as("before its first turn ends").isFalse();
      a.endTurn(1_000);
      assertThat(promises(a, b(6, 3), 1_000 + duration - 1)).isFalse();
      assertThat(promises(a, b(6, 2), 1_000)).as("its leader's node may campaign again").isTrue();
      assertThat(promises(a, b(7, 3), 1_000 + duration)).isTrue();
    }

    @Test
    @DisplayName("without leases, or never having promised, a restarted acceptor refuses no one")
    void noPromiseToKeep() {
      assertThat(promises(acceptor(OPTIONS, b(5, 2)), b(6, 3), 0)).isTrue();
      assertThat(promises(acceptor(leased, Ballot.ZERO), b(6, 3), 0)).isTrue();
    }

    @Test
    @DisplayName(
        "counts its promise from a clock reading of a later turn than the acknowledgement's: a"
            + " thread paused between reading its clock and taking the heartbeat keeps it")
    void promiseStartsAfterThePause() {
      DefaultAcceptor a = acceptor(leased, Ballot.ZERO);
      a.onHeartbeat(new Heartbeat(2, b(1, 2), 0, 1), 0, out); // its clock was read at 0
      assertThat(only(out, HeartbeatAck.class).ballot()).isEqualTo(b(1, 2));
      a.endTurn(0);
      a.endTurn(10_000); // the next turn, after a pause of ten seconds
      long later = 10_000 + duration - 1;
      assertThat(later).as("past the loyalty to the leader heard at 0").isGreaterThan(loyalty);
      assertThat(promises(a, b(2, 3), later)).isFalse();
      assertThat(promises(a, b(2, 3), 10_000 + duration)).isTrue();
    }

    @Test
    @DisplayName("a promise near the end of time does not overflow")
    void saturates() {
      LeasePromise lease = new LeasePromise(Long.MAX_VALUE, true);
      lease.endTurn(Long.MAX_VALUE - 1);
      assertThat(lease.holds(Long.MAX_VALUE - 1)).isTrue();
      assertThat(new LeasePromise(0, true).holds(Long.MIN_VALUE)).as("leases off").isFalse();
    }
  }

  @Test
  @DisplayName("a leader's lease near the end of time does not overflow")
  void leaderLeaseSaturates() {
    LeaderLease lease = new LeaderLease(Long.MAX_VALUE);
    lease.sent(1, 5);
    lease.confirmed(1);
    assertThat(lease.holds(Long.MAX_VALUE - 1)).isTrue();
    LeaderLease off = new LeaderLease(0);
    off.sent(1, 5);
    off.confirmed(1);
    assertThat(off.holds(5)).isFalse();
    LeaderLease forgotten = new LeaderLease(100);
    forgotten.sent(1, 5);
    forgotten.sent(1 + LeaderLease.HISTORY, 6);
    forgotten.confirmed(1); // too old: its send time is gone
    assertThat(forgotten.holds(6)).isFalse();
  }
}
