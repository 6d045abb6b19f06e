package io.paxos.core.runtime;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.PaxosException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The futures of commands and reads made at this node that have not completed yet, keyed by
 * sequence number (this node's commands), session and sequence (sessions' commands) or read id.
 *
 * <p>Any thread may complete an entry ({@link #complete}, {@link #fail}); only the event-loop
 * thread calls {@link #track} and {@link #expire}, which fails entries older than the timeout in
 * submission order.
 */
final class PendingCommands<K, T> {
  private record Deadline<K>(K key, long deadlineMs) {}

  private final Map<K, CompletableFuture<T>> futures = new ConcurrentHashMap<>();
  private final ArrayDeque<Deadline<K>> deadlines = new ArrayDeque<>();
  private final String what;

  PendingCommands(String what) {
    this.what = what;
  }

  void put(K key, CompletableFuture<T> future) {
    futures.put(key, future);
  }

  /** The future already pending for {@code key}, or {@code future} after registering it. */
  CompletableFuture<T> putIfAbsent(K key, CompletableFuture<T> future) {
    CompletableFuture<T> existing = futures.putIfAbsent(key, future);
    return existing != null ? existing : future;
  }

  /** Start the clock for {@code key} (event-loop thread only). */
  void track(K key, long deadlineMs) {
    deadlines.add(new Deadline<>(key, deadlineMs));
  }

  boolean complete(K key, T value) {
    CompletableFuture<T> f = futures.remove(key);
    return f != null && f.complete(value);
  }

  /**
   * Complete {@code key}'s future with {@code value}, recording {@code slot} first if it is a
   * {@link SlotFuture}.
   */
  boolean complete(K key, long slot, T value) {
    CompletableFuture<T> f = futures.remove(key);
    if (f instanceof SlotFuture s && s.slot < slot) {
      s.slot = slot;
    }
    return f != null && f.complete(value);
  }

  void fail(K key, PaxosException error) {
    CompletableFuture<T> f = futures.remove(key);
    if (f != null) {
      f.completeExceptionally(error);
    }
  }

  /** Fail everything past its deadline (event-loop thread only). */
  void expire(long nowMs) {
    while (!deadlines.isEmpty()) {
      Deadline<K> head = deadlines.peek();
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
    for (K key : futures.keySet()) {
      fail(key, error);
    }
    deadlines.clear();
  }

  /** Fail every pending future (any thread); their deadlines simply lapse. */
  void failFutures(PaxosException error) {
    for (K key : futures.keySet()) {
      fail(key, error);
    }
  }

  int size() {
    return futures.size();
  }
}
