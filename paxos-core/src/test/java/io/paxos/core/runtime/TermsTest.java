package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.Term;
import io.paxos.core.protocol.Ballot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reported {@link Term} is the protocol's ballot in the API's type: same epoch, round and
 * proposer, the same order and equality, the same printed form (log lines and scripts depend on
 * it).
 */
class TermsTest {
  private static final List<Ballot> BALLOTS =
      List.of(
          Ballot.ZERO,
          new Ballot(0, 1),
          new Ballot(1, 0),
          new Ballot(1, 1),
          new Ballot(1, 2),
          new Ballot(2, 1),
          new Ballot(Ballot.MAX_ROUND, Integer.MAX_VALUE),
          new Ballot(Long.MAX_VALUE, 1),
          new Ballot(1, 0, 1),
          new Ballot(1, 1, 0),
          new Ballot(2, 1, 1),
          new Ballot(Ballot.MAX_EPOCH, 1, 1),
          new Ballot(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE));

  @Test
  void aTermHasTheBallotsRoundProposerAndText() {
    for (Ballot b : BALLOTS) {
      Term t = Terms.of(b);
      assertThat(t.epoch()).isEqualTo(b.epoch());
      assertThat(t.round()).isEqualTo(b.round());
      assertThat(t.proposerId()).isEqualTo(b.nodeId());
      assertThat(t.toString()).isEqualTo(b.toString());
    }
    assertThat(Terms.of(new Ballot(4, 2))).hasToString("4.2");
    assertThat(Terms.of(new Ballot(3, 4, 2))).hasToString("3/4.2");
    assertThat(new Term(4, 2)).isEqualTo(new Term(0, 4, 2));
  }

  @Test
  void termsOrderAndCompareAsTheirBallotsDo() {
    for (Ballot a : BALLOTS) {
      for (Ballot b : BALLOTS) {
        assertThat(Integer.signum(Terms.of(a).compareTo(Terms.of(b))))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(Terms.of(a).equals(Terms.of(b))).isEqualTo(a.equals(b));
      }
    }
  }

  @Test
  void noneIsTheZeroBallotAndBelowEveryOtherTerm() {
    assertThat(Terms.of(Ballot.ZERO)).isSameAs(Term.NONE);
    assertThat(Term.NONE.isNone()).isTrue();
    assertThat(Term.NONE).hasToString("0.0");
    for (Ballot b : BALLOTS.subList(1, BALLOTS.size())) {
      assertThat(Terms.of(b)).isGreaterThan(Term.NONE);
      assertThat(Terms.of(b).isNone()).isFalse();
    }
  }

  @Test
  void aNegativeRoundOrIdIsRefused() {
    assertThatThrownBy(() -> new Term(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Term(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Term(Long.MIN_VALUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Term(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
