package io.paxos.core.runtime;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.PaxosException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The futures of commands and reads made at this node that have not completed yet, keyed by
 * sequence number (commands) or read id (reads).
 *
 * <p>Any thread may complete an entry ({@link #complete}, {@link #fail}); only the event-loop
 * thread calls {@link #track} and {@link #expire}, which fails entries older than the timeout in
 * submission order.
 */
final class PendingCommands<T> {
  private record Deadline(long key, long deadlineMs) {}

  private final Map<Long, CompletableFuture<T>> futures = new ConcurrentHashMap<>();
  private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>();
  private final String what;

  PendingCommands(String what) {
    this.what = what;
  }

  void put(long key, CompletableFuture<T> future) {
    futures.put(key, future);
  }

  /** Start the clock for {@code key} (event-loop thread only). */
  void track(long key, long deadlineMs) {
    deadlines.add(new Deadline(key, deadlineMs));
  }

  boolean complete(long key, T value) {
    CompletableFuture<T> f = futures.remove(key);
    return f != null && f.complete(value);
  }

  void fail(long key, PaxosException error) {
    CompletableFuture<T> f = futures.remove(key);
    if (f != null) {
      f.completeExceptionally(error);
    }
  }

  /** Fail everything past its deadline (event-loop thread only). */
  void expire(long nowMs) {
    while (!deadlines.isEmpty()) {
      Deadline head = deadlines.peek();
      CompletableFuture<T> f = futures.get(head.key());
      if (f != null && head.deadlineMs() > nowMs) {
        return;
      }
      deadlines.poll();
      if (f != null) {
        fail(
            head.key(),
            new CommandTimeoutException(
                what + " " + head.key() + " did not complete in time; its outcome is unknown"));
      }
    }
  }

  /** Fail every entry, for example when the node closes. */
  void failAll(PaxosException error) {
    for (Long key : futures.keySet()) {
      fail(key, error);
    }
    deadlines.clear();
  }

  int size() {
    return futures.size();
  }
}
