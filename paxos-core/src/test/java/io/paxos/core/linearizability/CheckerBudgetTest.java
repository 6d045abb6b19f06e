package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.linearizability.Verdict.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Running out of budget is a failure (UNKNOWN), never a pass. */
class CheckerBudgetTest {

  /**
   * {@code writers} puts of distinct values, all concurrent, then a read of a value none wrote: the
   * search must try every order of the puts ({@code writers * 2^(writers-1)} states) to refute it.
   */
  private static List<HistoryEvent> pathological(int writers) {
    Histories h = new Histories();
    for (int p = 0; p < writers; p++) {
      h.put(p, "k", "v" + p, p, 1000 + p);
    }
    return h.get(writers, "k", "ghost", 2000, 2001).events();
  }

  @Test
  void anExpiredBudgetIsUnknownAndFailsTheAssertion() {
    AtomicLong clock = new AtomicLong();
    LinearizabilityChecker checker =
        new LinearizabilityChecker(
            Duration.ofMillis(50), Long.MAX_VALUE, () -> clock.addAndGet(1_000_000));
    Verdict verdict = checker.check(pathological(24));

    assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(verdict.isLinearizable()).isFalse();
    assertThat(verdict.keys().get(0).explanation()).contains("the time budget ran out");
    assertThatThrownBy(verdict::assertLinearizable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("UNKNOWN (the check ran out of budget: counts as a failure)");
  }

  @Test
  void anExpiredBudgetOnTheRealClockIsUnknown() {
    // 24 writers need about 200 million states; no machine refutes that in 100 ms.
    Verdict verdict =
        new LinearizabilityChecker(Duration.ofMillis(100), Long.MAX_VALUE, System::nanoTime)
            .check(pathological(24));
    assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void tooManyStatesIsUnknown() {
    Verdict verdict =
        new LinearizabilityChecker(Duration.ofSeconds(60), 1000, System::nanoTime)
            .check(pathological(24));
    assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(verdict.describe()).contains("more than 1000 states were remembered");
  }

  @Test
  void theSameShapeWithinItsBudgetIsRefuted() {
    Verdict verdict = new LinearizabilityChecker().check(pathological(8));
    assertThat(verdict.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    assertThat(verdict.keys().get(0).states()).isEqualTo(8L * (1 << 7));
  }

  @Test
  void keysAfterTheDeadlineAreNotCheckedAndUnknown() {
    Histories h = new Histories();
    for (int k = 0; k < 3; k++) {
      h.put(1, "k" + k, "a", 10 * k, 10 * k + 5);
    }
    Verdict verdict =
        new LinearizabilityChecker(Duration.ZERO, Long.MAX_VALUE, System::nanoTime)
            .check(h.events());
    assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(verdict.keys()).allMatch(k -> k.outcome() == Outcome.UNKNOWN);
  }

  @Test
  void aDefiniteFailureOutranksAnUnknownKey() {
    Histories h = new Histories().put(1, "a", "x", 0, 1);
    h.get(1, "a", "ghost", 2, 3);
    List<HistoryEvent> events = new java.util.ArrayList<>(h.events());
    events.addAll(
        pathological(24).stream()
            .map(
                e ->
                    new HistoryEvent(
                        e.process() + 100,
                        e.type(),
                        e.f(),
                        "b",
                        e.value(),
                        e.expected(),
                        e.timeNs()))
            .toList());
    Verdict verdict =
        new LinearizabilityChecker(Duration.ofSeconds(60), 1000, System::nanoTime).check(events);
    assertThat(verdict.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    assertThat(verdict.keys())
        .extracting(Verdict.KeyVerdict::outcome)
        .containsExactly(Outcome.NOT_LINEARIZABLE, Outcome.UNKNOWN);
  }

  @Test
  void aNegativeBudgetOrNoStatesIsACallerMistake() {
    assertThatThrownBy(() -> new LinearizabilityChecker(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> new LinearizabilityChecker(Duration.ofSeconds(1), 0, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxStates must be at least 1");
  }

  @Test
  void aHugeBudgetDoesNotOverflowTheDeadline() {
    Verdict verdict =
        new LinearizabilityChecker(Duration.ofSeconds(Long.MAX_VALUE))
            .check(new Histories().put(1, "k", "a", 0, 1).events());
    assertThat(verdict.outcome()).isEqualTo(Outcome.LINEARIZABLE);
  }
}
