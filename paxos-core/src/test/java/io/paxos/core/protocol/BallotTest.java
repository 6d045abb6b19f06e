package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BallotTest {

  @Test
  @DisplayName("ballots are ordered by round first: a higher round wins whatever the node ids")
  void ordersByRoundFirst() {
    assertThat(new Ballot(2, 1)).isGreaterThan(new Ballot(1, 9));
    assertThat(new Ballot(1, 9)).isLessThan(new Ballot(2, 1));
    assertThat(new Ballot(2, 1).isAbove(new Ballot(1, 65_535))).isTrue();
  }

  @Test
  @DisplayName(
      "Different proposers choose their numbers from disjoint sets of numbers: equal rounds are"
          + " ordered by node id, so two proposers never hold the same ballot"
          + " (docs/pitfalls.md #3)")
  void tiesInRoundAreBrokenByNodeId() {
    Ballot of1 = new Ballot(5, 1);
    Ballot of2 = new Ballot(5, 2);

    assertThat(of1).isNotEqualTo(of2);
    assertThat(of2.compareTo(of1)).isPositive();
    assertThat(of1.compareTo(of2)).isNegative();
    assertThat(of2.isAbove(of1)).isTrue();
    assertThat(of1.isAtLeast(of2)).isFalse();
  }

  @Test
  @DisplayName("ZERO is below every ballot a proposer can issue")
  void zeroIsBelowAll() {
    assertThat(Ballot.ZERO).isEqualTo(new Ballot(0, 0));
    assertThat(new Ballot(1, 1).isAbove(Ballot.ZERO)).isTrue();
    assertThat(new Ballot(0, 1).isAbove(Ballot.ZERO)).isTrue();
    assertThat(new Ballot(1, 0xFFFF).isAbove(Ballot.ZERO)).isTrue();
    assertThat(Ballot.ZERO.isAbove(new Ballot(1, 1))).isFalse();
  }

  @Test
  @DisplayName("isAbove is strict and isAtLeast is not, at the boundary of equal ballots")
  void boundaryComparisons() {
    Ballot b = new Ballot(3, 2);
    Ballot same = new Ballot(3, 2);

    assertThat(b.compareTo(same)).isZero();
    assertThat(b.isAbove(same)).isFalse();
    assertThat(b.isAtLeast(same)).isTrue();
    assertThat(b.isAtLeast(new Ballot(3, 3))).isFalse();
    assertThat(b.isAtLeast(new Ballot(3, 1))).isTrue();
    assertThat(b.isAbove(new Ballot(3, 1))).isTrue();
  }

  @Test
  @DisplayName("compareTo is consistent with equals and does not overflow at extreme rounds")
  void consistentWithEqualsAndNoOverflow() {
    List<Ballot> ballots =
        List.of(
            Ballot.ZERO,
            new Ballot(0, 1),
            new Ballot(1, 1),
            new Ballot(1, 2),
            new Ballot(Long.MAX_VALUE - 1, 0xFFFF),
            new Ballot(Long.MAX_VALUE, 1),
            new Ballot(Long.MAX_VALUE, Integer.MAX_VALUE));
    for (int i = 0; i < ballots.size(); i++) {
      for (int j = 0; j < ballots.size(); j++) {
        Ballot x = ballots.get(i);
        Ballot y = ballots.get(j);
        assertThat(Integer.signum(x.compareTo(y)))
            .as("%s vs %s", x, y)
            .isEqualTo(Integer.signum(Integer.compare(i, j)));
        assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
      }
    }
    List<Ballot> shuffled = new ArrayList<>(ballots);
    java.util.Collections.reverse(shuffled);
    shuffled.sort(null);
    assertThat(shuffled).containsExactlyElementsOf(ballots);
  }

  @Test
  @DisplayName(
      "a ballot of a later membership epoch is above every ballot of an earlier one, whatever"
          + " the rounds (docs/membership.md)")
  void ordersByEpochBeforeRound() {
    Ballot laterEpoch = new Ballot(1, 1, 1);
    assertThat(laterEpoch).isGreaterThan(new Ballot(0, Ballot.MAX_ROUND, 0xFFFF));
    assertThat(laterEpoch).isGreaterThan(new Ballot(Long.MAX_VALUE, Integer.MAX_VALUE));
    assertThat(new Ballot(Ballot.MAX_EPOCH, 0, 0))
        .isGreaterThan(new Ballot(Ballot.MAX_EPOCH - 1, 9, 9));
    assertThat(new Ballot(2, 5, 1)).isGreaterThan(new Ballot(2, 4, 9));
    assertThat(new Ballot(2, 5, 2)).isGreaterThan(new Ballot(2, 5, 1));
    assertThat(new Ballot(7, 3)).isEqualTo(new Ballot(0, 7, 3));
  }

  @Test
  @DisplayName("epoch 0 ballots print as round.node, as before epochs; later ones name the epoch")
  void printsTheEpochOnlyWhenNotZero() {
    assertThat(new Ballot(7, 3)).hasToString("7.3");
    assertThat(new Ballot(2, 7, 3)).hasToString("2/7.3");
  }

  @Test
  @DisplayName("max returns the larger ballot, in either argument order")
  void maxPicksTheLarger() {
    Ballot low = new Ballot(2, 9);
    Ballot high = new Ballot(3, 1);
    assertThat(Ballot.max(low, high)).isEqualTo(high);
    assertThat(Ballot.max(high, low)).isEqualTo(high);
    assertThat(Ballot.max(low, low)).isEqualTo(low);
  }

  @Test
  @DisplayName("negative rounds or node ids are refused")
  void negativeRefused() {
    assertThatThrownBy(() -> new Ballot(-1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> new Ballot(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ballot(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ballot(Integer.MIN_VALUE, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
