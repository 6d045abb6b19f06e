package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.linearizability.Verdict.KeyVerdict;
import io.paxos.core.linearizability.Verdict.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The checker on small histories whose verdict is known, good and bad. */
class LinearizabilityCheckerTest {

  private static void assertPasses(Histories h) {
    Verdict v = h.check();
    assertThat(v.outcome()).as(v.describe()).isEqualTo(Outcome.LINEARIZABLE);
  }

  /**
   * Asserts that {@code key} fails, blocked at the operation invoked at history index {@code at}.
   */
  private static KeyVerdict assertFails(Histories h, String key, int at) {
    Verdict v = h.check();
    assertThat(v.outcome()).as(v.describe()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    assertThat(v.isLinearizable()).isFalse();
    KeyVerdict k = v.firstKey(Outcome.NOT_LINEARIZABLE).orElseThrow();
    assertThat(k.key()).isEqualTo(key);
    assertThat(k.blocked()).as(v.describe()).isEqualTo(OptionalInt.of(at));
    assertThat(v.describe()).contains("\"" + key + "\"", "longest linearizable prefix");
    assertThatThrownBy(v::assertLinearizable)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("NOT linearizable");
    return k;
  }

  @Nested
  class Good {
    @Test
    void anEmptyHistoryIsLinearizable() {
      Verdict v = new LinearizabilityChecker().check(List.of());
      assertThat(v.outcome()).isEqualTo(Outcome.LINEARIZABLE);
      assertThat(v.operations()).isZero();
    }

    @Test
    void sequentialOperationsThatReadWhatWasLastWritten() {
      assertPasses(
          new Histories()
              .get(1, "k", null, 0, 1)
              .put(1, "k", "a", 2, 3)
              .get(2, "k", "a", 4, 5)
              .cas(2, "k", "a", "b", 6, 7)
              .get(1, "k", "b", 8, 9)
              .delete(1, "k", 10, 11)
              .get(2, "k", null, 12, 13)
              .cas(1, "k", null, "c", 14, 15)
              .get(2, "k", "c", 16, 17));
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
      Histories old = new Histories().put(1, "k", "a", 0, 10).put(2, "k", "b", 20, 40);
      assertPasses(old.get(3, "k", "a", 30, 50));
      assertPasses(
          new Histories()
              .put(1, "k", "a", 0, 10)
              .put(2, "k", "b", 20, 40)
              .get(3, "k", "b", 30, 50));
    }

    @Test
    void overlappingOperationsThatAreFineInOnlyOneOrder() {
      // The cas chain fits only as cas absent->x, cas x->y, get y; the read of "a" fits only if
      // put b took effect before put a, though put a was invoked first.
      assertPasses(
          new Histories()
              .cas(1, "k", null, "x", 0, 100)
              .cas(2, "k", "x", "y", 10, 50)
              .get(3, "k", "y", 60, 70)
              .put(1, "k", "a", 110, 300)
              .put(2, "k", "b", 120, 250)
              .get(3, "k", "a", 260, 310));
    }

    @Test
    void operationsThatTouchAtOneInstantCountAsConcurrent() {
      assertPasses(new Histories().put(1, "k", "a", 0, 10).get(2, "k", null, 10, 20));
    }

    @Test
    void keysAreIndependentRegisters() {
      assertPasses(
          new Histories()
              .put(1, "k1", "a", 0, 10)
              .put(2, "k2", "b", 0, 10)
              .get(1, "k1", "a", 20, 30)
              .get(2, "k2", "b", 20, 30)
              .get(3, "k3", null, 20, 30));
    }

    @Test
    void failedOperationsAndFailedCasAreDropped() {
      assertPasses(
          new Histories()
              .putFailed(1, "k", "x", 0, 10)
              .casFailed(2, "k", null, "y", 0, 10)
              .get(3, "k", null, 20, 30));
    }
  }

  @Nested
  class Bad {
    @Test
    void aStaleRead() {
      Histories h = new Histories().put(1, "k", "a", 0, 10).put(2, "k", "b", 20, 30);
      int read = h.next();
      KeyVerdict k = assertFails(h.get(3, "k", "a", 40, 50), "k", read);
      assertThat(k.prefix()).containsExactly(0, 2);
      assertThat(k.explanation()).contains("p3 get -> \"a\"", "after which the key is \"b\"");
    }

    @Test
    void aLostWrite() {
      Histories h = new Histories().put(1, "k", "a", 0, 10);
      int read = h.next();
      assertFails(h.get(2, "k", null, 20, 30), "k", read);
    }

    @Test
    void aReadOfAValueNeverWritten() {
      Histories h = new Histories().put(1, "k", "a", 0, 10);
      int read = h.next();
      assertFails(h.get(2, "k", "ghost", 5, 30), "k", read);
    }

    @Test
    void aRetriedCasAppliedTwice() {
      Histories h =
          new Histories()
              .put(1, "k", "0", 0, 5)
              .cas(1, "k", "0", "1", 10, 20)
              .cas(2, "k", "1", "0", 30, 40);
      int read = h.next();
      assertFails(h.get(3, "k", "1", 50, 60), "k", read);
    }

    @Test
    void aRetriedPutThatReappearsAfterALaterPut() {
      Histories h =
          new Histories().put(1, "k", "a", 0, 10).put(2, "k", "b", 20, 30).get(3, "k", "b", 40, 50);
      int read = h.next();
      assertFails(h.get(3, "k", "a", 60, 70), "k", read);
    }

    @Test
    void aFailedWriteThatIsSeen() {
      Histories h = new Histories().putFailed(1, "k", "x", 0, 10);
      int read = h.next();
      assertFails(h.get(2, "k", "x", 20, 30), "k", read);
    }

    @Test
    void aCasThatSucceededThoughItsExpectationDidNotHold() {
      Histories h = new Histories().put(1, "k", "a", 0, 10);
      int cas = h.next();
      assertFails(h.cas(2, "k", "z", "b", 20, 30), "k", cas);
    }

    @Test
    void aReadAfterADeleteThatStillSeesTheValue() {
      Histories h = new Histories().put(1, "k", "a", 0, 10).delete(2, "k", 20, 30);
      int read = h.next();
      assertFails(h.get(3, "k", "a", 40, 50), "k", read);
    }

    @Test
    void theVerdictNamesTheBadKeyAmongGoodOnes() {
      Histories h =
          new Histories()
              .put(1, "good", "a", 0, 10)
              .get(1, "good", "a", 20, 30)
              .put(2, "bad", "a", 0, 10);
      int read = h.next();
      h.get(2, "bad", "ghost", 20, 30);
      assertFails(h, "bad", read);
      assertThat(h.check().keys())
          .extracting(KeyVerdict::outcome)
          .containsExactly(Outcome.NOT_LINEARIZABLE, Outcome.LINEARIZABLE);
    }
  }

  @Nested
  class UnknownOutcomes {
    @Test
    void anInfoWriteMayTakeEffectLate() {
      assertPasses(
          new Histories()
              .putInfo(1, "k", "x", 0, 5)
              .get(2, "k", null, 10, 20)
              .get(2, "k", "x", 30, 40)
              .get(3, "k", "x", 50, 60));
    }

    @Test
    void anInfoWriteMayNeverTakeEffect() {
      assertPasses(
          new Histories()
              .put(1, "k", "a", 0, 10)
              .putInfo(2, "k", "x", 5, 8)
              .get(3, "k", "a", 20, 30)
              .get(3, "k", "a", 100, 110));
    }

    @Test
    void anInvocationWithoutCompletionIsAnInfo() {
      assertPasses(
          new Histories()
              .invokeOnly(HistoryEvent.invokePut(1, "k", "x"), 0)
              .invokeOnly(HistoryEvent.invokeGet(2, "k"), 1)
              .get(3, "k", null, 10, 20)
              .get(3, "k", "x", 30, 40));
    }

    @Test
    void anInfoCasTakesEffectOnlyWhenItsExpectationHolds() {
      assertPasses(
          new Histories()
              .casInfo(1, "k", "a", "b", 0, 5)
              .get(2, "k", null, 10, 20)
              .put(2, "k", "a", 30, 40)
              .get(3, "k", "b", 50, 60));
      Histories h = new Histories().casInfo(1, "k", "a", "b", 0, 5).put(2, "k", "c", 10, 20);
      int read = h.next();
      assertFails(h.get(3, "k", "b", 30, 40), "k", read);
    }

    @Test
    void anInfoWriteCannotTakeEffectBeforeItsInvocation() {
      Histories h = new Histories();
      int read = h.next();
      h.get(1, "k", "x", 0, 10).putInfo(2, "k", "x", 20, 30);
      assertFails(h, "k", read);
    }

    @Test
    void anInfoWriteTakesEffectAtMostOnce() {
      Histories h =
          new Histories()
              .putInfo(1, "k", "x", 0, 5)
              .get(2, "k", "x", 10, 20)
              .put(2, "k", "y", 30, 40)
              .get(3, "k", "y", 50, 60);
      int read = h.next();
      assertFails(h.get(3, "k", "x", 70, 80), "k", read);
    }

    @Test
    void unknownWritesThatNobodySawAreDroppedWithoutChangingTheVerdict() {
      Histories h = new Histories().put(1, "k", "a", 0, 10);
      for (int p = 2; p < 42; p++) {
        h.putInfo(p, "k", "lost-" + p, 20, 25);
        h.casInfo(p + 100, "k", "a", "lost-" + (p + 100), 20, 25);
      }
      h.get(50, "k", "a", 100, 110);
      Verdict v = h.check();
      assertThat(v.outcome()).as(v.describe()).isEqualTo(Outcome.LINEARIZABLE);
      assertThat(v.operations()).isEqualTo(2);
      int read = h.next();
      assertFails(h.get(50, "k", "ghost", 200, 210), "k", read);
    }

    @Test
    void anUnknownWriteWhoseValueACasExpectedIsKept() {
      assertPasses(new Histories().putInfo(1, "k", "x", 0, 5).cas(2, "k", "x", "y", 10, 20));
      assertPasses(
          new Histories()
              .putInfo(1, "k", "x", 0, 5)
              .casInfo(2, "k", "x", "y", 10, 20)
              .get(3, "k", "y", 30, 40));
    }

    @Test
    void aReadWhoseOutcomeIsUnknownIsDropped() {
      HistoryEvent get = HistoryEvent.invokeGet(1, "k").at(0);
      Verdict v =
          new LinearizabilityChecker()
              .check(List.of(get, get.info().at(10), get.at(20), get.fail().at(30)));
      assertThat(v.outcome()).isEqualTo(Outcome.LINEARIZABLE);
      assertThat(v.operations()).isZero();
    }
  }

  @Nested
  class MalformedHistories {
    private final HistoryEvent put = HistoryEvent.invokePut(1, "k", "a");

    @Test
    void aCompletionWithoutAnInvocation() {
      assertThatThrownBy(() -> new LinearizabilityChecker().check(List.of(put.ok().at(5))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event #0: process 1 completes an operation it did not invoke");
    }

    @Test
    void aProcessThatInvokesTwice() {
      assertThatThrownBy(() -> new LinearizabilityChecker().check(List.of(put, put)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event #1: process 1 invokes while event #0 is pending");
    }

    @Test
    void aCompletionOfAnotherOperation() {
      HistoryEvent other = HistoryEvent.invokePut(1, "j", "a").ok();
      assertThatThrownBy(() -> new LinearizabilityChecker().check(List.of(put, other)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event #1: completes put of key \"j\" but event #0 invoked put");
    }

    @Test
    void aCompletionBeforeItsInvocation() {
      assertThatThrownBy(
              () -> new LinearizabilityChecker().check(List.of(put.at(10), put.ok().at(9))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event #1: completes at 9, before its invocation");
    }

    @Test
    void aPutWithoutAValue() {
      HistoryEvent bad =
          new HistoryEvent(
              1,
              HistoryEvent.Type.INVOKE,
              HistoryEvent.Fn.PUT,
              "k",
              Optional.empty(),
              Optional.empty(),
              0);
      assertThatThrownBy(() -> new LinearizabilityChecker().check(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event #0: a put invocation needs a value");
    }
  }
}
