package io.paxos.examples.demo;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo: N nodes, each hosting all three roles and a {@link KeyValueStore}, over the in-memory
 * transport. Writes go to every node in turn (followers forward to the leader); half-way the leader
 * is crashed (cut off and closed); failed writes are retried until acknowledged, in one client
 * session so each is applied once however often it is sent; finally every surviving node's state is
 * compared.
 */
final class Demo {
  private static final int IN_FLIGHT = 64;
  private static final int KEYS = 500;
  private static final long CLIENT_ID = 0x5eed_0000_0000_0001L;

  private final int size;
  private final int writes;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Integer, PaxosNode> nodes = new TreeMap<>();
  private final Map<Integer, KeyValueStore> stores = new TreeMap<>();
  private final List<PaxosNode> live = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicInteger retried = new AtomicInteger();
  private final ConcurrentSkipListSet<Long> unanswered = new ConcurrentSkipListSet<>();

  Demo(int size, int writes, PrintStream out) {
    if (size < 3 || size > 9) {
      throw new IllegalArgumentException("--nodes must be between 3 and 9, was " + size);
    }
    if (writes < 10 || writes > 1_000_000) {
      throw new IllegalArgumentException("--writes must be between 10 and 1000000, was " + writes);
    }
    this.size = size;
    this.writes = writes;
    this.out = out;
  }

  DemoReport run() throws InterruptedException {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    ClusterConfig config = ClusterConfig.of("demo", ids);
    say(
        "starting a %d-node cluster \"demo\" (every node a proposer, acceptor and learner) over"
            + " the in-memory transport",
        size);
    for (int id : ids) {
      KeyValueStore store = new KeyValueStore();
      PaxosNode node =
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(store)
              .transport(network.transport(id))
              .commandTimeout(Duration.ofSeconds(2))
              .build();
      nodes.put(id, node);
      stores.put(id, store);
      live.add(node);
    }
    try {
      return workload();
    } finally {
      nodes.values().forEach(PaxosNode::close);
    }
  }

  private DemoReport workload() throws InterruptedException {
    int first = awaitLeader(0);
    say("node %d leads", first);
    say(
        "writing %d PUTs over %d keys, sent to every node in turn (%d in flight)",
        writes, KEYS, IN_FLIGHT);
    Semaphore window = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(writes);
    CompletableFuture<Integer> takeover = new CompletableFuture<>();
    for (int i = 0; i < writes; i++) {
      window.acquire();
      if (i == writes / 2) {
        awaitAcknowledged(writes / 4);
        say("%d writes acknowledged; crashing the leader, node %d", acknowledged.get(), first);
        crash(first);
        watchTakeover(first, System.nanoTime(), takeover);
      }
      KvCommand.Put put = KvCommand.put(key(i), "value-" + i);
      long sequence = i + 1L;
      awaitSpan(sequence);
      unanswered.add(sequence);
      write(sequence, put.encode(), window, done);
    }
    int second = takeover.join();
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("writes did not complete within 60 s");
    }
    say(
        "all %d writes acknowledged (%d sent again after failing with not-leader or an unknown"
            + " outcome; the session applies each once)",
        acknowledged.get(), retried.get());
    PaxosNode reader = live.get(live.size() - 1);
    KvResult read = KvResult.decode(readLinearizable(reader, key(writes - 1)));
    say("linearizable read of %s at node %d: %s", key(writes - 1), reader.id(), read);
    String last = "value-" + (writes - 1);
    if (!read.toString().contains('"' + last + '"')) {
      say(
          "  (not %s: an earlier PUT of this key was still being retried when it was sent, and"
              + " the two were ordered the other way)",
          last);
    }
    return report(first, second);
  }

  /** Report the new leader as soon as it is elected, while writes go on. */
  private void watchTakeover(int old, long crashedAt, CompletableFuture<Integer> takeover) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                int leader = awaitLeader(old);
                say(
                    "node %d leads (took over %d ms after the crash)",
                    leader, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt));
                takeover.complete(leader);
              } catch (RuntimeException e) {
                takeover.completeExceptionally(e);
              }
            },
            "demo-takeover-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Wait until {@code sequence} is within {@link SessionTable#MAX_RESULTS} of the oldest write
   * without a reply: the cluster keeps a session's results only that far, so a write numbered
   * further ahead could push out the result a retry of the oldest one needs.
   */
  private void awaitSpan(long sequence) {
    while (true) {
      Long oldest = unanswered.ceiling(0L); // null when none is unanswered
      if (oldest == null || sequence - oldest < SessionTable.MAX_RESULTS) {
        return;
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * Send write {@code sequence} of the demo's client session to the next node, and again on
   * failure. The acknowledgement floor is the oldest write without a reply, which lets the cluster
   * forget the results of everything below it.
   */
  private void write(long sequence, byte[] command, Semaphore window, CountDownLatch done) {
    PaxosNode node = live.get(Math.floorMod(next.getAndIncrement(), live.size()));
    CompletableFuture<byte[]> f = node.submit(CLIENT_ID, sequence, unanswered.first(), command);
    f.whenComplete(
        (result, error) -> {
          if (error == null) {
            unanswered.remove(sequence);
            acknowledged.incrementAndGet();
            window.release();
            done.countDown();
          } else {
            retried.incrementAndGet();
            write(sequence, command, window, done); // same sequence: applied at most once
          }
        });
  }

  private DemoReport report(int first, int second) {
    long applied = live.stream().mapToLong(n -> n.status().appliedSlot()).max().orElse(0);
    for (PaxosNode n : live) {
      while (n.status().appliedSlot() < applied) {
        LockSupport.parkNanos(1_000_000);
      }
    }
    List<String> hashes = new ArrayList<>();
    out.println();
    out.println("Final state of every surviving node:");
    int keys = 0;
    for (PaxosNode n : live) {
      KeyValueStore store = stores.get(n.id());
      String hash = store.stateHash();
      hashes.add(hash);
      keys = store.size();
      out.printf(
          "  node %d: %d keys, applied through slot %d, state hash %s%n",
          n.id(), store.size(), n.status().appliedSlot(), hash.substring(0, 16));
    }
    KeyValueStore any = stores.get(live.get(0).id());
    out.printf(
        "  for example: %s = %s, %s = %s%n",
        key(0), text(any, key(0)), key(KEYS - 1), text(any, key(KEYS - 1)));
    DemoReport report =
        new DemoReport(first, second, acknowledged.get(), retried.get(), hashes, keys);
    out.println(
        report.survivorsAgree()
            ? "All surviving nodes agree on the same state."
            : "THE SURVIVING NODES DISAGREE: this is a bug.");
    return report;
  }

  private static String text(KeyValueStore store, String key) {
    return store
        .get(key)
        .map(v -> new String(v, java.nio.charset.StandardCharsets.UTF_8))
        .orElse("(none)");
  }

  private static byte[] readLinearizable(PaxosNode node, String key) {
    try {
      return node.read(KvCommand.get(key).encode(), Consistency.LINEARIZABLE)
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("linearizable read failed: " + e, e);
    }
  }

  private void crash(int id) {
    network.isolate(id);
    PaxosNode node = nodes.get(id);
    live.remove(node);
    node.close();
  }

  private void awaitAcknowledged(int count) {
    while (acknowledged.get() < count) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  private int awaitLeader(int notThis) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (PaxosNode n : live) {
        if (n.isLeader() && n.id() != notThis) {
          return n.id();
        }
      }
      LockSupport.parkNanos(1_000_000);
    }
    throw new IllegalStateException("no leader was elected within 30 s");
  }

  private static String key(int i) {
    return String.format("key-%04d", i % KEYS);
  }

  private void say(String format, Object... args) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    out.printf("[%6d ms] %s%n", ms, String.format(format, args));
  }
}
