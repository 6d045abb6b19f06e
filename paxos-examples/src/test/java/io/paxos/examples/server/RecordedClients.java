package io.paxos.examples.server;

import io.paxos.core.Consistency;
import io.paxos.core.linearizability.HistoryEvent;
import io.paxos.core.linearizability.HistoryWriter;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.PaxosClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads that put, delete, compare-and-set and read (linearizable) a few keys of a running
 * cluster through their own {@link PaxosClient}s, and record every operation into one {@link
 * HistoryWriter} for the linearizability checker.
 *
 * <p>An operation whose outcome the client cannot know (a deadline passed, no node answered) is
 * recorded {@code info} and stays pending for ever in the history; the thread then goes on as a new
 * process, since a process has at most one operation in flight. A compare-and-set that found
 * another value is {@code fail}: it took no effect.
 */
final class RecordedClients implements AutoCloseable {
  private final HistoryWriter history;
  private final List<Endpoint> endpoints;
  private final int keys;
  private final Duration timeout;
  private final long seed;
  private final AtomicLong processes = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final List<CopyOnWriteArrayList<Long>> completions = new ArrayList<>();
  private final List<CopyOnWriteArrayList<Long>> writeCompletions = new ArrayList<>();
  private volatile boolean running = true;
  private volatile AssertionError failure;

  RecordedClients(
      HistoryWriter history, List<Endpoint> endpoints, int keys, Duration timeout, long seed) {
    this.history = history;
    this.endpoints = List.copyOf(endpoints);
    this.keys = keys;
    this.timeout = timeout;
    this.seed = seed;
  }

  /** Start {@code count} client threads. */
  void start(int count) {
    for (int i = 0; i < count; i++) {
      CopyOnWriteArrayList<Long> done = new CopyOnWriteArrayList<>();
      CopyOnWriteArrayList<Long> written = new CopyOnWriteArrayList<>();
      completions.add(done);
      writeCompletions.add(written);
      int index = i;
      Thread t = new Thread(() -> run(index, done, written), "recorded-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /**
   * For each client thread, the {@link System#nanoTime()} of each operation it completed with a
   * known outcome ({@code ok} or {@code fail}), in order.
   */
  List<List<Long>> completions() {
    return copy(completions);
  }

  /** As {@link #completions()}, for the writes only (puts, deletes, compare-and-sets). */
  List<List<Long>> writeCompletions() {
    return copy(writeCompletions);
  }

  private static List<List<Long>> copy(List<CopyOnWriteArrayList<Long>> lists) {
    List<List<Long>> copy = new ArrayList<>();
    for (CopyOnWriteArrayList<Long> c : lists) {
      copy.add(List.copyOf(c));
    }
    return copy;
  }

  /** Operations completed with a known outcome, by all threads. */
  long completed() {
    return completions.stream().mapToLong(List::size).sum();
  }

  static String key(int k) {
    return "key-" + k;
  }

  private void run(int index, List<Long> done, List<Long> writes) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
    long process = processes.incrementAndGet();
    int written = 0;
    try (PaxosClient client =
        PaxosClient.builder().endpoints(endpoints).timeout(timeout).seed(seed + index).build()) {
      Optional<String> lastRead = Optional.empty();
      while (running) {
        String key = key(random.nextInt(keys));
        int dice = random.nextInt(100);
        HistoryEvent invoke;
        byte[] request;
        boolean read = false;
        if (dice < 40) {
          invoke = HistoryEvent.invokeGet(process, key);
          request = KvCommand.get(key).encode();
          read = true;
        } else if (dice < 70) {
          String value = "v" + index + "-" + ++written;
          invoke = HistoryEvent.invokePut(process, key, value);
          request = KvCommand.put(key, value).encode();
        } else if (dice < 80) {
          invoke = HistoryEvent.invokeDelete(process, key);
          request = KvCommand.delete(key).encode();
        } else {
          String value = "v" + index + "-" + ++written;
          Optional<String> expected = random.nextBoolean() ? lastRead : Optional.empty();
          invoke = HistoryEvent.invokeCas(process, key, expected, value);
          request = KvCommand.cas(key, expected.map(RecordedClients::bytes), bytes(value)).encode();
        }
        history.record(invoke);
        try {
          byte[] reply =
              (read ? client.read(request, Consistency.LINEARIZABLE) : client.submit(request))
                  .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
          KvResult result = KvResult.decode(reply);
          if (read) {
            lastRead =
                result instanceof KvResult.Found found
                    ? Optional.of(found.text())
                    : Optional.empty();
            history.record(invoke.okRead(lastRead));
          } else if (result instanceof KvResult.CasOutcome cas) {
            history.record(cas.swapped() ? invoke.ok() : invoke.fail());
          } else if (result instanceof KvResult.Error refused) {
            throw new AssertionError("the store refused " + invoke + ": " + refused.message());
          } else {
            history.record(invoke.ok()); // a put or delete, answered with the previous value
          }
          long now = System.nanoTime();
          done.add(now);
          if (!read) {
            writes.add(now);
          }
        } catch (AssertionError e) {
          failure = e;
          return;
        } catch (Exception unknown) {
          if (unknown instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return;
          }
          history.record(invoke.info());
          process = processes.incrementAndGet(); // the old one has an operation pending for ever
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Stop the threads after their current operation and wait for them. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    if (failure != null) {
      throw failure;
    }
  }
}
