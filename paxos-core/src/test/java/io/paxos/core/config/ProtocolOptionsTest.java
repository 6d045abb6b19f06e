package io.paxos.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProtocolOptionsTest {
  private static final ProtocolOptions D = ProtocolOptions.defaults();

  @Test
  @DisplayName("the defaults are valid and keep the election timeout above two heartbeats")
  void defaultsValid() {
    assertThat(D.electionTimeoutMinMs()).isGreaterThan(2 * D.heartbeatIntervalMs());
    assertThat(D.electionTimeoutMaxMs()).isGreaterThanOrEqualTo(D.electionTimeoutMinMs());
    assertThat(D.acceptedToLearners()).isFalse();
  }

  @Test
  @DisplayName("an election timeout not above two heartbeat intervals is refused")
  void electionTimeoutMustExceedTwoHeartbeats() {
    assertThatThrownBy(() -> D.withTimings(50, 100, 600, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("electionTimeoutMinMs 100 must exceed two heartbeat intervals")
        .hasMessageContaining("100 ms");
    assertThatThrownBy(() -> D.withTimings(50, 60, 600, 200))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(D.withTimings(50, 101, 600, 200).electionTimeoutMinMs()).isEqualTo(101);
  }

  @Test
  @DisplayName("an election timeout range whose upper end is below its lower end is refused")
  void electionRangeOrdered() {
    assertThatThrownBy(() -> D.withTimings(50, 300, 299, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("electionTimeoutMaxMs 299 is below electionTimeoutMinMs 300");
    assertThat(D.withTimings(50, 300, 300, 200).electionTimeoutMaxMs()).isEqualTo(300);
  }

  @Test
  @DisplayName("zero or negative sizes and timings are refused, naming the field")
  void nonPositiveRefused() {
    assertThatThrownBy(() -> D.withTimings(0, 300, 600, 200))
        .hasMessageContaining("heartbeatIntervalMs must be positive, was 0");
    assertThatThrownBy(() -> D.withTimings(50, 300, 600, 0))
        .hasMessageContaining("retransmitMs must be positive");
    assertThatThrownBy(() -> D.withTimings(50, -5, 600, 200))
        .hasMessageContaining("electionTimeoutMinMs must be positive");
    assertThatThrownBy(() -> D.withWindow(0)).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> D.withMaxBatchCommands(-1))
        .hasMessageContaining("maxBatchCommands must be positive, was -1");
    assertThatThrownBy(() -> D.withRetainedSlots(0))
        .hasMessageContaining("retainedSlots must be positive");
    assertThatThrownBy(() -> D.withMaxCommandBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxCommandBytes must be positive");
    assertThatThrownBy(() -> new ProtocolOptions(50, 300, 600, 200, 8, 8, 1024, 1024, 0, 8, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSlotsPerMessage must be positive");
    assertThatThrownBy(() -> new ProtocolOptions(50, 300, 600, 200, 8, 8, 0, 1, 8, 8, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBatchBytes must be positive");
  }

  @Test
  @DisplayName("a single command larger than a whole batch is refused")
  void commandLargerThanBatchRefused() {
    assertThatThrownBy(() -> D.withMaxCommandBytes(D.maxBatchBytes() + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds maxBatchBytes");
    assertThat(D.withMaxCommandBytes(D.maxBatchBytes()).maxCommandBytes())
        .isEqualTo(D.maxBatchBytes());
  }

  @Test
  @DisplayName("each with... method changes its own field and keeps the others")
  void withersChangeOneField() {
    assertThat(D.withWindow(7)).isEqualTo(copy(D, 7, D.maxBatchCommands(), D.retainedSlots()));
    assertThat(D.withMaxBatchCommands(3)).isEqualTo(copy(D, D.window(), 3, D.retainedSlots()));
    assertThat(D.withRetainedSlots(11)).isEqualTo(copy(D, D.window(), D.maxBatchCommands(), 11));
    ProtocolOptions learners = D.withAcceptedToLearners(true);
    assertThat(learners.acceptedToLearners()).isTrue();
    assertThat(learners.withAcceptedToLearners(false)).isEqualTo(D);
    ProtocolOptions timed = D.withTimings(10, 30, 40, 20);
    assertThat(timed.heartbeatIntervalMs()).isEqualTo(10);
    assertThat(timed.electionTimeoutMinMs()).isEqualTo(30);
    assertThat(timed.electionTimeoutMaxMs()).isEqualTo(40);
    assertThat(timed.retransmitMs()).isEqualTo(20);
    assertThat(timed.window()).isEqualTo(D.window());
  }

  private static ProtocolOptions copy(ProtocolOptions o, int window, int batch, int retained) {
    return new ProtocolOptions(
        o.heartbeatIntervalMs(),
        o.electionTimeoutMinMs(),
        o.electionTimeoutMaxMs(),
        o.retransmitMs(),
        window,
        batch,
        o.maxBatchBytes(),
        o.maxCommandBytes(),
        o.maxSlotsPerMessage(),
        retained,
        o.acceptedToLearners());
  }

  @Test
  @DisplayName("leases are off by default, and 0 turns them off")
  void leasesOffByDefault() {
    assertThat(D.leasesOn()).isFalse();
    assertThat(D.leaseHoldMs()).isZero();
    assertThat(D.withLease(0, 0.3).leasesOn()).isFalse();
    assertThat(D.withLease(200, 0.1).withLease(0, 0).leasesOn()).isFalse();
  }

  @Test
  @DisplayName("a lease must be shorter than the minimum election timeout, and not negative")
  void leaseBelowElectionTimeout() {
    assertThat(D.withLease(D.electionTimeoutMinMs() - 1, 0).leaseDurationMs()).isEqualTo(299);
    assertThatThrownBy(() -> D.withLease(D.electionTimeoutMinMs(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseDurationMs 300 must be below electionTimeoutMinMs 300");
    assertThatThrownBy(() -> D.withLease(Long.MAX_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> D.withLease(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> D.withLease(Long.MIN_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("the drift bound is in [0, 0.5), checked even with leases off")
  void driftInRange() {
    assertThat(D.withLease(200, 0).maxClockDrift()).isZero();
    assertThat(D.withLease(200, 0.49).leaseHoldMs()).isEqualTo(66);
    for (double bad : new double[] {0.5, 1, -0.01, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> D.withLease(200, bad))
          .as("drift %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxClockDrift must be in [0, 0.5)");
      assertThatThrownBy(() -> D.withLease(0, bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("a lease too short to hold anything after the drift and rounding margins is refused")
  void leaseLongEnoughToHold() {
    assertThat(D.withLease(5, 0).leaseHoldMs()).isEqualTo(2);
    assertThat(D.withLease(4, 0).leaseHoldMs()).isEqualTo(1);
    assertThatThrownBy(() -> D.withLease(3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaves the leader no time to hold its lease");
    assertThatThrownBy(() -> D.withLease(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> D.withLease(8, 0.45)).isInstanceOf(IllegalArgumentException.class);
  }
}
