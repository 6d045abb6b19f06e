package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rough figures on loopback, not a test: {@code transport [messages]} sends Heartbeats from one
 * GrpcTransport to another; {@code clients [clients] [inFlight] [seconds]} runs a 3-node cluster in
 * this JVM and submits 8-byte commands from many PaxosClients. Run from paxos-grpc with the test
 * class path (see the README's performance notes).
 */
public final class ThroughputMain {
  private ThroughputMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("clients")) {
      clients(
          args.length > 1 ? Integer.parseInt(args[1]) : 64,
          args.length > 2 ? Integer.parseInt(args[2]) : 64,
          args.length > 3 ? Integer.parseInt(args[3]) : 10);
    } else {
      transport(args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000);
    }
  }

  static void transport(int messages) throws Exception {
    ClusterConfig config = ClusterConfig.of("throughput", 1, 2);
    for (int run = 0; run < 3; run++) {
      try (PaxosServer s1 = server(config, 1);
          PaxosServer s2 = server(config, 2)) {
        Map<Integer, Endpoint> peers =
            Map.of(
                1, new Endpoint("127.0.0.1", s1.port()), 2, new Endpoint("127.0.0.1", s2.port()));
        CountDownLatch done = new CountDownLatch(messages);
        try (GrpcTransport t1 =
                GrpcTransport.builder().server(s1).peers(peers).queueCapacity(1 << 20).build();
            GrpcTransport t2 = GrpcTransport.builder().server(s2).peers(peers).build()) {
          t1.start(m -> {});
          t2.start(m -> done.countDown());
          while (t1.sent() == 0) {
            t1.send(2, new Message.Heartbeat(1, new Ballot(1, 1), 0, -1));
            t1.flush();
            Thread.sleep(10);
          }
          long warm = done.getCount();
          long start = System.nanoTime();
          Ballot b = new Ballot(1, 1);
          for (int i = 0; i < messages; i++) {
            while (i - (messages - done.getCount()) > 500_000) {
              Thread.onSpinWait(); // stay under the queue bound
            }
            t1.send(2, new Message.Heartbeat(1, b, i, i));
            if ((i & 63) == 63) {
              t1.flush();
            }
          }
          t1.flush();
          done.await(120, TimeUnit.SECONDS);
          double secs = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "transport run %d: %d messages in %.2f s = %.0f msg/s (dropped %d, warm-up %d)%n",
              run, messages, secs, messages / secs, t1.dropped(), warm);
        }
      }
    }
  }

  static void clients(int clients, int inFlight, int seconds) throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(ClusterConfig.of("throughput", 1, 2, 3))) {
      cluster.awaitLeader();
      List<PaxosClient> list = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        list.add(PaxosClient.builder().endpoints(cluster.endpoints()).seed(i).build());
      }
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      java.util.concurrent.atomic.AtomicReference<Throwable> firstError =
          new java.util.concurrent.atomic.AtomicReference<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 3L);
      long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      long[] atStart = new long[1];
      List<Thread> drivers = new ArrayList<>();
      for (PaxosClient c : list) {
        Thread t =
            new Thread(
                () -> {
                  Semaphore window = new Semaphore(inFlight);
                  long id = 0;
                  while (System.nanoTime() < end) {
                    window.acquireUninterruptibly();
                    c.submit(LogStateMachine.command(id++))
                        .whenComplete(
                            (r, e) -> {
                              (e == null ? done : failed).incrementAndGet();
                              if (e != null && firstError.get() == null) {
                                firstError.set(e);
                              }
                              window.release();
                            });
                  }
                });
        t.start();
        drivers.add(t);
      }
      while (System.nanoTime() < measureFrom) {
        Thread.sleep(50);
      }
      atStart[0] = done.get();
      long t0 = System.nanoTime();
      for (Thread t : drivers) {
        t.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "clients=%d inFlight=%d: %.0f ops/s over %.1f s (failed %d)%n",
          clients, inFlight, (done.get() - atStart[0]) / secs, secs, failed.get());
      if (firstError.get() != null) {
        System.out.println("first failure: " + firstError.get());
      }
      list.forEach(PaxosClient::close);
    }
  }

  private static PaxosServer server(ClusterConfig config, int id) {
    return PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0).start();
  }
}
