package io.paxos.grpc.client;

import java.util.Comparator;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The deadlines of the calls in progress, earliest first, with a loop timer armed for the earliest
 * one only. A call that ends leaves at once, so a busy client holds its pending calls here, not a
 * timer per call (and the call with it) until each deadline passes. Loop thread only.
 *
 * <p>Invariant: while a call is pending, a timer is armed at or before the earliest deadline. A
 * timer that fires expires every call due and arms one timer for the new earliest deadline; adding
 * a call due before the armed timer arms another.
 */
final class Deadlines {
  private static final Comparator<Call> EARLIEST_FIRST =
      (a, b) ->
          a.deadlineNanos != b.deadlineNanos
              ? Long.compare(a.deadlineNanos - b.deadlineNanos, 0)
              : Long.compare(a.order, b.order);

  private final ClientLoop loop;
  private final Consumer<Call> expire;
  private final TreeSet<Call> pending = new TreeSet<>(EARLIEST_FIRST);
  private long nextOrder;
  private boolean armed;
  private long armedAtNanos;

  /**
   * @param expire called for each call whose deadline passed while it was pending
   */
  Deadlines(ClientLoop loop, Consumer<Call> expire) {
    this.loop = loop;
    this.expire = expire;
  }

  /** Start watching {@code call}'s deadline. */
  void add(Call call) {
    call.order = nextOrder++;
    pending.add(call);
    if (!armed || call.deadlineNanos - armedAtNanos < 0) {
      arm(call.deadlineNanos);
    }
  }

  /** {@code call} ended: forget it. */
  void remove(Call call) {
    pending.remove(call);
  }

  /** How many calls are watched. */
  int size() {
    return pending.size();
  }

  private void arm(long atNanos) {
    armed = true;
    armedAtNanos = atNanos;
    loop.schedule(atNanos - System.nanoTime(), this::fire);
  }

  private void fire() {
    armed = false;
    long now = System.nanoTime();
    while (!pending.isEmpty() && pending.first().deadlineNanos - now <= 0) {
      expire.accept(pending.pollFirst());
    }
    if (!pending.isEmpty()) {
      arm(pending.first().deadlineNanos);
    }
  }
}
