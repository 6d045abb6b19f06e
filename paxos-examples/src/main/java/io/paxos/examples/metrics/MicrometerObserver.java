package io.paxos.examples.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.paxos.core.Term;
import io.paxos.core.observe.LeadershipLoss;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.NodeStarted;
import io.paxos.core.observe.WriteStep;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * Binds one node's {@link NodeObserver} events and {@link NodeGauges} to Micrometer meters, named
 * for Prometheus with a {@code paxos_} prefix and their unit, every one tagged {@code node="<id>"}:
 *
 * <ul>
 *   <li>counters {@code paxos_proposals_total} (client commands handed to the protocol here),
 *       {@code paxos_commits_total} (client commands chosen and delivered here), {@code
 *       paxos_committed_slots_total}, {@code paxos_leader_changes_total}, {@code
 *       paxos_leadership_lost_total{reason}}, {@code paxos_snapshots_taken_total}, {@code
 *       paxos_snapshots_installed_total}, {@code paxos_catchups_total}, {@code
 *       paxos_peer_dropped_messages_total{peer}};
 *   <li>histograms {@code paxos_commit_latency_seconds} (leader: first {@code Accept} to chosen),
 *       {@code paxos_fsync_latency_seconds}, {@code paxos_batch_size_commands} (commands per slot),
 *       and, on a node that samples its write stages ({@link
 *       io.paxos.core.runtime.PaxosNodeBuilder#writeStageSampling}), {@code
 *       paxos_write_step_seconds{step,at}}: one series per {@link WriteStep} ({@code step} its
 *       {@link WriteStep#tag()}, {@code at} "leader" or "follower"), registered at its first
 *       sample, so a node that does not sample exports none;
 *   <li>gauges {@code paxos_ballot} (round), {@code paxos_is_leader}, {@code paxos_leader_id},
 *       {@code paxos_applied_slot}, {@code paxos_commit_slot}, {@code paxos_log_bytes}, {@code
 *       paxos_snapshot_slot}, {@code paxos_catching_up}, {@code paxos_peer_up{peer}}, and {@code
 *       paxos_client_sessions} once {@link #clientSessions} binds it.
 * </ul>
 *
 * <p>One instance per node and registry: set it on {@link
 * io.paxos.core.runtime.PaxosNodeBuilder#observer} before the node is built (the gauges bind when
 * the node starts). Thread-safe: the node calls it from several threads; recording allocates
 * nothing.
 */
public final class MicrometerObserver implements NodeObserver {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter proposals;
  private final Counter commits;
  private final Counter committedSlots;
  private final DistributionSummary batchSize;
  private final Timer commitLatency;
  private final Timer fsyncLatency;
  private final Counter leaderChanges;
  private final Counter snapshotsTaken;
  private final Counter snapshotsInstalled;
  private final Counter catchUps;
  private final Counter messagesRefused;
  private final AtomicLong snapshotSlot = new AtomicLong();
  private final AtomicInteger catchingUp = new AtomicInteger();
  private final Map<Integer, AtomicInteger> peerUp = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> dropped = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Timer> steps =
      new AtomicReferenceArray<>(WriteStep.values().length);

  /** Meters for node {@code nodeId} in {@code registry}. */
  public MicrometerObserver(MeterRegistry registry, int nodeId) {
    this.registry = registry;
    this.tags = Tags.of("node", Integer.toString(nodeId));
    this.proposals =
        Counter.builder("paxos.proposals")
            .description("Client commands handed to the protocol at this node")
            .tags(tags)
            .register(registry);
    this.commits =
        Counter.builder("paxos.commits")
            .description("Client commands chosen and delivered to this node's learner")
            .tags(tags)
            .register(registry);
    this.committedSlots =
        Counter.builder("paxos.committed.slots")
            .description("Slots chosen and delivered to this node's learner (batches and no-ops)")
            .tags(tags)
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("paxos.batch.size")
            .baseUnit("commands")
            .description("Client commands per chosen slot")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(4096.0)
            .tags(tags)
            .register(registry);
    this.commitLatency =
        Timer.builder("paxos.commit.latency")
            .description("At the leader: from a slot's first Accept to its delivery as chosen")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .tags(tags)
            .register(registry);
    this.fsyncLatency =
        Timer.builder("paxos.fsync.latency")
            .description("Time to force the log to disk, once per group commit")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .tags(tags)
            .register(registry);
    this.leaderChanges =
        Counter.builder("paxos.leader.changes")
            .description("Times this node learned of a new leader")
            .tags(tags)
            .register(registry);
    this.snapshotsTaken =
        Counter.builder("paxos.snapshots.taken")
            .description("Snapshots of the state machine taken and made durable here")
            .tags(tags)
            .register(registry);
    this.snapshotsInstalled =
        Counter.builder("paxos.snapshots.installed")
            .description("Snapshots received from a peer and installed here")
            .tags(tags)
            .register(registry);
    this.catchUps =
        Counter.builder("paxos.catchups")
            .description("Times this node's learner fell behind and caught up from peers")
            .tags(tags)
            .register(registry);
    this.messagesRefused =
        Counter.builder("paxos.messages.refused")
            .description("Messages from peers refused and dropped for being out of bounds")
            .tags(tags)
            .register(registry);
    for (LeadershipLoss why : LeadershipLoss.values()) {
      lossCounter(why); // present at 0, so that rate() sees the first one
    }
    Gauge.builder("paxos.snapshot.slot", snapshotSlot, AtomicLong::get)
        .description("The slot of the newest snapshot taken or installed here")
        .tags(tags)
        .register(registry);
    Gauge.builder("paxos.catching.up", catchingUp, AtomicInteger::get)
        .description("1 while this node's learner catches up from peers")
        .tags(tags)
        .register(registry);
  }

  /**
   * Also export {@code paxos_client_sessions}: the client session streams open now, as {@code
   * sessions} counts them (for example {@code server::openClientSessions}).
   */
  public MicrometerObserver clientSessions(IntSupplier sessions) {
    Gauge.builder("paxos.client.sessions", sessions, IntSupplier::getAsInt)
        .description("Client session streams open at this node")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    return this;
  }

  @Override
  public void messageRefused(int from, String why) {
    messagesRefused.increment();
  }

  private Counter lossCounter(LeadershipLoss why) {
    return Counter.builder("paxos.leadership.lost")
        .description("Times this node stopped leading, by reason")
        .tags(tags)
        .tag("reason", why.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry);
  }

  @Override
  public void started(NodeStarted node, NodeGauges gauges) {
    gauge(
        "paxos.ballot",
        "The round of the highest ballot this node knows",
        gauges,
        g -> g.ballotRound());
    gauge("paxos.is.leader", "1 if this node leads, else 0", gauges, g -> g.isLeader() ? 1 : 0);
    gauge("paxos.leader.id", "The node believed to lead, 0 if none", gauges, g -> g.leaderId());
    gauge(
        "paxos.applied.slot",
        "Every slot through this one is applied here",
        gauges,
        g -> g.appliedSlot());
    gauge(
        "paxos.commit.slot",
        "Every slot through this one is known chosen here",
        gauges,
        g -> g.commitSlot());
    Gauge.builder("paxos.log", gauges, g -> g.logBytes())
        .baseUnit("bytes")
        .description("Bytes the durable log's segment files take")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    snapshotSlot.set(node.snapshotSlot());
    for (int peer : node.addresses().keySet()) {
      if (peer != node.nodeId()) {
        peerUp(peer);
        dropped(peer);
      }
    }
  }

  private void gauge(
      String name,
      String description,
      NodeGauges gauges,
      java.util.function.ToDoubleFunction<NodeGauges> value) {
    Gauge.builder(name, gauges, value)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private AtomicInteger peerUp(int peer) {
    return peerUp.computeIfAbsent(
        peer,
        p -> {
          AtomicInteger up = new AtomicInteger();
          Gauge.builder("paxos.peer.up", up, AtomicInteger::get)
              .description("1 while this node's connection to the peer is established")
              .tags(tags)
              .tag("peer", Integer.toString(p))
              .register(registry);
          return up;
        });
  }

  private Counter dropped(int peer) {
    return dropped.computeIfAbsent(
        peer,
        p ->
            Counter.builder("paxos.peer.dropped.messages")
                .description(
                    "Messages to the peer dropped: its queue was full or its stream failed")
                .tags(tags)
                .tag("peer", Integer.toString(p))
                .register(registry));
  }

  @Override
  public void proposed(int commands) {
    proposals.increment(commands);
  }

  @Override
  public void chosen(long slot, int commands) {
    committedSlots.increment();
    if (commands > 0) {
      commits.increment(commands);
      batchSize.record(commands);
    }
  }

  @Override
  public void writeStep(WriteStep step, long nanos) {
    Timer t = steps.get(step.ordinal());
    if (t == null) {
      // Registering twice returns the same timer: a race here only repeats the lookup.
      t =
          Timer.builder("paxos.write.step")
              .description(
                  "A sampled write's time for one step of the write path, on this node's clock")
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(1_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .tags(tags)
              .tag("step", step.tag())
              .tag("at", step.node())
              .register(registry);
      steps.set(step.ordinal(), t);
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void commitLatency(long nanos) {
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void synced(long nanos) {
    fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void lostLeadership(Term term, LeadershipLoss why, Term higher) {
    lossCounter(why).increment();
  }

  @Override
  public void leaderChanged(int leaderId) {
    leaderChanges.increment();
  }

  @Override
  public void snapshotTaken(long slot, long bytes) {
    snapshotsTaken.increment();
    snapshotSlot.accumulateAndGet(slot, Math::max);
  }

  @Override
  public void snapshotInstalled(long slot, long bytes, int from) {
    snapshotsInstalled.increment();
    snapshotSlot.accumulateAndGet(slot, Math::max);
  }

  @Override
  public void catchUpStarted(long fromSlot, long toSlot) {
    catchUps.increment();
    catchingUp.set(1);
  }

  @Override
  public void catchUpFinished(long slot, long nanos) {
    catchingUp.set(0);
  }

  @Override
  public void peerReachable(int peer) {
    peerUp(peer).set(1);
  }

  @Override
  public void peerUnreachable(int peer, String why) {
    peerUp(peer).set(0);
  }

  @Override
  public void messagesDropped(int peer, long count) {
    dropped(peer).increment(count);
  }
}
