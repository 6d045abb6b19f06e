package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.Role;
import io.paxos.core.host.DeferredStorageWriter;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.ProtocolNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs a cluster of {@link ProtocolNode}s on a simulated clock and network from one seed, with the
 * faults and workload of its {@link SimOptions}, and checks the safety invariants after every step
 * (one step = one event handled) and liveness once the faults have healed.
 *
 * <p>Each node is driven exactly as the runtime drives it: inputs, then {@code flush}, then the
 * runtime's own {@link OutboxCarrier} carries the outbox out, over a {@link DeferredStorageWriter}
 * that plays the storage thread as simulated events. What may precede the sync leaves at once and
 * deliveries are checked and complete their clients' requests at once; the batch's promise, round,
 * accepted values, compaction and chosen values are queued with the writer, which makes them in a
 * group (a {@code STORAGE_WRITE} event) and forces them a little later (a {@code STORAGE_FORCE}
 * event), while the node goes on taking messages and queuing more batches, and writes the next
 * group, starting its force, while up to {@code StorageWriter.FORCES_IN_FLIGHT} earlier forces
 * still run; once a force is done, and those before it, the carrier sends the batches' votes (a
 * node's messages to itself travel through the network too) and hands back the commands it did not
 * propose.
 *
 * <p>The faults are scheduled and carried out by a {@link FaultInjector}. Crashes come between
 * events: with writes still queued (lost), between a group's writes and its force (an armed {@code
 * MID_SYNC} crash, or any crash while a force runs), or after a force with only some of the
 * messages that waited for it sent ({@code MID_SEND}). A crash keeps what was synced and, by the
 * {@link StorageCrash} model, none or a prefix of the writes made since.
 *
 * <p>Wipes ({@link Faults#wipes()}) are crashes that lose the node's whole storage, snapshots
 * included: it restarts on an empty storage without the bootstrap marker that every node's storage
 * got at the start, so it serves as a learner only ({@link ProtocolNode#votes()}), as the runtime
 * does for a member of an existing cluster. Only nodes whose loss leaves a quorum of acceptors, a
 * proposer and a majority of the learners (so a snapshot survives) among the nodes never wiped are
 * wiped, so the cluster stays live.
 *
 * <p>Snapshots (when {@link SimOptions#snapshotInterval()} is set): a learner that delivered that
 * many slots since its last snapshot commits one to its storage's snapshot store, then compacts its
 * protocol and storage below it, as the runtime does, and announces it to the acceptors on nodes
 * without a learner, which compact through what a majority of the learners announced. A simulated
 * snapshot carries no bytes: the state it stands for is the chosen values it covers, which the
 * checkers rebuild a replica from. A peer asked for compacted slots sends a one-chunk {@link
 * HostMessage.SnapshotChunk} through the simulated network (so it may be lost, duplicated or late);
 * the receiver installs it if it is ahead. A restarted node restores its newest snapshot and
 * replays the log after it.
 *
 * <p>Pauses ({@link Faults#pauses()}) stop a node without losing anything: what reaches it waits,
 * and is handled when it resumes ({@link PauseBacklog}).
 *
 * <p>Key-value clients ({@link SimOptions#kvOperations()}, {@link KvWorkload}) run beside the byte
 * workload: each learner node applies the chosen commands to a key-value replica and serves reads
 * as the runtime does, and the clients' history is checked.
 *
 * <p>Single-threaded and deterministic: no threads, no wall clock, all randomness from the seed.
 */
public final class Simulation {
  private static final int RECENT = 48;

  private final SimOptions options;
  private final SplittableRandom random;
  private final EventQueue queue = new EventQueue();
  private final SimNetwork network;
  private final Workload workload;
  private final KvWorkload kv;
  private final Checkers checkers;
  private final ClockDrift clocks;
  private final ReadIndexChecker reads = new ReadIndexChecker();
  private final SimNode[] nodes;
  private final List<SimNode> all = new ArrayList<>();
  private final Event[] recent = new Event[RECENT];
  private long now;
  private long steps;
  private boolean healed;
  private long healedAt;
  private long deadline = Long.MAX_VALUE;
  // With leader priorities, whether the check after the calm period ran (true without them).
  private boolean priorityChecked;
  private final FaultInjector faults;
  private final PauseBacklog pauses;
  private final SimClients clients;
  private final MembershipChanges changes;
  private int snapshots;
  private int installs;

  private Simulation(SimOptions options) {
    this.options = options;
    this.random = new SplittableRandom(options.seed());
    this.priorityChecked = !options.cluster().hasPriorities();
    List<Member> everyone = new ArrayList<>(options.cluster().members());
    everyone.addAll(options.joiners());
    int maxId = 0;
    for (Member m : everyone) {
      maxId = Math.max(maxId, m.id());
    }
    this.nodes = new SimNode[maxId + 1];
    for (Member m : everyone) {
      nodes[m.id()] = new SimNode(m);
      all.add(nodes[m.id()]);
    }
    this.network = new SimNetwork(random.split(), queue, maxId, options.faults());
    this.workload =
        new Workload(
            random.split(),
            options.commands(),
            options.commandGenerator().orElse(null),
            options.seed() ^ 0xC0FFEE_C0DEL);
    this.clocks = new ClockDrift(options);
    clocks.start(all);
    this.checkers =
        new Checkers(options.cluster(), options, new ExactlyOnceChecker(options.deduplication()));
    this.faults =
        new FaultInjector(options, random, queue, network, all, nodes.length, checkers.acceptors);
    this.pauses = new PauseBacklog(random, queue, nodes);
    this.changes = new MembershipChanges(options, queue);
    this.clients =
        new SimClients(
            options, random, queue, workload, checkers, reads, all, () -> now, this::finish);
    // Split only for key-value runs, so that the seeds of runs without them stay what they were.
    this.kv =
        new KvWorkload(
            options.kvOperations() > 0 ? random.split() : null,
            options,
            clients.kvHost(),
            checkers.agreement);
  }

  /**
   * Run one simulation to the end.
   *
   * @return what the run did, if every invariant held
   * @throws SimulationFailure naming the seed, the broken invariant and the events before it
   */
  public static SimResult run(SimOptions options) {
    return new Simulation(options).execute();
  }

  private SimResult execute() {
    Event event = null;
    try {
      for (SimNode n : all) {
        restart(n);
      }
      clients.schedule();
      kv.start();
      faults.schedule();
      changes.schedule();
      queue.add(options.workloadMs(), Event.Kind.END_FAULTS, 0, 0, 0, null);
      while (!(healed
          && priorityChecked
          && workload.allComplete()
          && kv.allComplete()
          && converged())) {
        event = queue.poll();
        now = event.time;
        if (now > deadline) {
          List<String> incomplete = new ArrayList<>(workload.incomplete());
          incomplete.addAll(kv.incomplete());
          LivenessChecker.check(healedAt, now, incomplete, learnerNextSlots(), highestSlot());
        }
        recent[(int) (steps % RECENT)] = event;
        options.trace().ifPresent(t -> t.accept(recent[(int) (steps % RECENT)].toString()));
        handle(event);
        steps++;
      }
      checkers.atEnd();
      kv.atEnd();
    } catch (InvariantViolation v) {
      throw new SimulationFailure(options, describeFailure(), v);
    }
    return new SimResult(
        options.seed(),
        options.label(),
        steps,
        now,
        healedAt,
        highestSlot(),
        workload.size(),
        workload.replacements(),
        workload.sessionRetries(),
        network.sent,
        network.dropped,
        network.duplicated,
        faults.crashes(),
        faults.midSyncCrashes(),
        faults.survivingWrites(),
        faults.lostWrites(),
        faults.partitions(),
        checkers.history.ballots(),
        snapshots,
        installs,
        checkers.compaction.withoutLearnerCompactedThrough(),
        faults.wipes(),
        faults.pauses(),
        reads.answered(),
        kv.counts(),
        checkers.chosen.changes());
  }

  private void handle(Event e) {
    if (pauses.holdsBack(e, now)) {
      return;
    }
    switch (e.kind) {
      case DELIVER:
        SimNode to = nodes[e.node];
        if (to.up() && PeerMessageBounds.refusal(e.message, to.protocol).isPresent()) {
          break; // out of bounds: dropped before anything sees it, as the runtime does
        }
        if (to.up() && e.message instanceof HostMessage.SnapshotChunk c) {
          install(to, c.slot(), c.data()); // the host's business: the roles never see it
        } else if (to.up() && e.message instanceof Message m) {
          to.protocol.receive(m, to.clock(now), to.out);
          finish(to);
        }
        break;
      case TICK:
        SimNode n = nodes[e.node];
        if (n.up() && n.incarnation == e.arg) {
          clocks.maybeChange(n, now);
          n.protocol.tick(n.clock(now), n.out);
          finish(n);
          scheduleTick(n);
        }
        break;
      case STORAGE_WRITE:
      case STORAGE_FORCE:
        SimNode w = nodes[e.node];
        if (w.up() && w.incarnation == e.arg) {
          if (e.kind == Event.Kind.STORAGE_WRITE) {
            storageWrite(w);
          } else {
            storageForce(w);
          }
        }
        break;
      case SUBMIT:
        clients.submitNew((int) e.arg);
        break;
      case RESUBMIT:
        clients.resubmit(workload.request(e.arg), (int) e.arg2);
        break;
      case CLIENT_TIMEOUT:
        clients.clientTimeout(workload.request(e.arg), (int) e.arg2);
        break;
      case CRASH:
        faults.crashEvent(e, now);
        break;
      case WIPE:
        faults.wipeEvent(e, now);
        break;
      case RESTART:
        if (nodes[e.node].incarnation == e.arg) {
          restart(nodes[e.node]);
        }
        break;
      case PARTITION:
        faults.partitionEvent(e, now);
        break;
      case HEAL:
        faults.healEvent(e);
        break;
      case END_FAULTS:
        endFaults();
        break;
      case PAUSE:
        faults.pauseEvent(e, now);
        break;
      case KV_NEXT:
      case KV_ATTEMPT:
      case KV_TIMEOUT:
      case KV_REQUEST:
        kv.handle(e);
        break;
      case READ:
        clients.leaseRead();
        break;
      case PRIORITY_CHECK:
        checkPriority();
        break;
      case CHANGE_MEMBERSHIP:
        changes.attempt(all, now);
        break;
      default:
        throw new IllegalStateException("unknown event " + e);
    }
  }

  // ---- driving a node: the host contract, carried out by the runtime's OutboxCarrier ----

  /** The node took its inputs: flush, then its carrier carries the outbox out. */
  private void finish(SimNode n) {
    n.protocol.flush(n.clock(now), n.out);
    n.carrier.carryOut(n.out);
    checkers.afterStep(n.protocol, id -> nodes[id].snapshotSlotBeforeWipes());
    long delivered = n.deliveredSlot;
    n.deliveredSlot = 0;
    if (delivered > 0) {
      maybeSnapshot(n, delivered);
    }
  }

  /**
   * The node's storage thread wakes up: it makes every queued write and starts their force, which
   * completes a little later (the writer wakes the thread again for what is queued meanwhile, as
   * soon as a force may start).
   */
  private void storageWrite(SimNode n) {
    if (n.writer.writeQueued()) {
      queue.add(now + random.nextInt(3), Event.Kind.STORAGE_FORCE, n.id, n.incarnation, 0, null);
    } else {
      written(n);
    }
  }

  /**
   * The force of the node's oldest running group of writes completes, unless a crash armed for it
   * strikes first (the writes made, not synced: the storage's crash model decides what survives).
   */
  private void storageForce(SimNode n) {
    if (n.armedCrash == SimNode.ArmedCrash.MID_SYNC && n.storage.unsyncedWrites() > 0) {
      faults.crashMidSync(n, now);
      return;
    }
    n.writer.forced();
    written(n);
  }

  /**
   * Writes are done: the carrier settles the batches that waited for them (a crash armed for the
   * sends strikes after some of their messages left).
   */
  private void written(SimNode n) {
    if (n.armedCrash == SimNode.ArmedCrash.MID_SEND && n.carrier.holding()) {
      faults.crashMidSend(n, now);
      return;
    }
    n.carrier.releaseWritten();
  }

  /** What a simulated node's carrier does with a batch: the simulated network and clients. */
  private final class NodeEffects implements OutboxCarrier.Effects {
    private final SimNode n;

    NodeEffects(SimNode n) {
      this.n = n;
    }

    @Override
    public void send(int to, Message message) {
      if (n.sendBudget == 0) {
        return; // crashing: the rest of the batch never leaves
      }
      if (n.sendBudget > 0) {
        n.sendBudget--;
      }
      checkers.onSent(n.id, n.incarnation, message);
      network.send(now, n.id, to, message);
    }

    @Override
    public void loopback(Message message) {
      send(n.id, message); // through the network, which hands it back at once
    }

    @Override
    public void deliver(List<Outbox.Delivery> deliveries) {
      for (Outbox.Delivery d : deliveries) {
        checkers.onDeliver(n.id, d.slot(), d.value());
        workload.onDelivered(d.value(), now, c -> checkers.onAcknowledged(c, n.id, d.slot()));
        n.deliveredSlot = d.slot();
      }
      kv.delivered(n, deliveries); // the key-value replica applies them, as the applier would
    }

    @Override
    public void settle(Outbox batch) {
      for (Outbox.ReadIndex r : batch.readIndexes()) {
        reads.onAnswer(n.id, r);
      }
      for (int to : batch.snapshotSends()) {
        long slot = n.snapshotSlot();
        if (slot > 0) {
          byte[] bytes = n.snapshotBytes();
          network.send(
              now, n.id, to, new HostMessage.SnapshotChunk(n.id, slot, 0, bytes.length, 0, bytes));
        }
      }
      for (Outbox.Abandoned a : batch.abandoned()) {
        for (Command c : a.commands()) {
          if (a.reason() != Outbox.Rejection.OUTCOME_UNKNOWN) {
            checkers.onHandedBack(c);
          }
          Workload.Request r = workload.onAbandoned(c);
          if (r != null) {
            long backoff = 5 + random.nextInt(20 * Math.min(r.attempt, 16));
            queue.add(now + backoff, Event.Kind.RESUBMIT, 0, r.id, r.attempt, null);
          }
        }
      }
      kv.settled(n, batch); // key-value clients' hand-backs and read indexes
    }
  }

  // ---- snapshots ----

  /**
   * Take a snapshot at {@code delivered} if the interval has passed; compact below it and sync, as
   * the runtime does when its snapshotter reports the snapshot saved, then carry out what that
   * queued (the announcement to the acceptors without a learner).
   */
  private void maybeSnapshot(SimNode n, long delivered) {
    long interval = options.snapshotInterval();
    if (interval == 0 || delivered - n.snapshotSlot() < interval) {
      return;
    }
    Membership governing = n.protocol.membership();
    if (governing.firstSlot() > delivered + 1) {
      return; // the membership changed after it in this step: the next check takes one
    }
    n.saveSnapshot(delivered, governing);
    checkers.onSnapshot(n.id, delivered);
    snapshots++;
    n.protocol.compact(delivered, n.out);
    n.carrier.write(storage -> storage.compact(delivered), true);
    finish(n);
  }

  /** A peer's snapshot of {@code slot} arrived at {@code n}: install it if it is ahead. */
  private void install(SimNode n, long slot, byte[] bytes) {
    if (!n.has(Role.LEARNER) || slot < n.protocol.learner().orElseThrow().nextSlot()) {
      return;
    }
    Membership governing = SimNode.governing(bytes, Membership.initial(options.cluster()));
    n.saveSnapshot(slot, governing);
    installs++;
    n.protocol.installSnapshot(slot, governing, n.clock(now), n.out);
    n.carrier.write(storage -> storage.compact(slot), true);
    checkers.onInstall(n.id, slot);
    kv.onInstall(n, slot);
    finish(n);
  }

  private void scheduleTick(SimNode n) {
    queue.add(now + 5 + random.nextInt(6), Event.Kind.TICK, n.id, n.incarnation, 0, null);
  }

  // ---- restarts, and the end of the faults ----

  private void restart(SimNode n) {
    if (n.up()) {
      return;
    }
    if (!n.storage.bootstrapped() && options.wipedNodesVote()) {
      faults.rejoinAsVoter(n); // a broken host: a wiped node votes again
    }
    DurableState durable = n.storage.load();
    long snapshot = n.snapshotSlot();
    Membership start = Membership.initial(options.cluster());
    if (n.has(Role.LEARNER) && snapshot > 0) {
      start = SimNode.governing(n.snapshotBytes(), start);
      // As the runtime does: restore the newest snapshot, replay the log after it.
      if (snapshot > durable.compactedThrough()) {
        n.storage.compact(snapshot);
        n.storage.sync();
      }
      durable = durable.afterSnapshot(snapshot);
    }
    n.incarnation++;
    n.protocol =
        new ProtocolNode(
            n.id,
            start,
            n.member,
            options.protocol(),
            new SplittableRandom(random.nextLong()),
            durable,
            options.roles(),
            n.storage.bootstrapped(),
            MessageLimits.DEFAULTS);
    SimNode restarted = n;
    int incarnation = n.incarnation;
    n.writer =
        new DeferredStorageWriter(
            n.storage,
            () ->
                queue.add(
                    now + random.nextInt(2),
                    Event.Kind.STORAGE_WRITE,
                    restarted.id,
                    incarnation,
                    0,
                    null));
    StorageWriter writer =
        options.sendsBeforeSync() ? new EarlyReportingWriter(n.writer) : n.writer;
    n.carrier = new OutboxCarrier(n.id, writer, new NodeEffects(n));
    checkers.onStart(n.protocol, durable);
    kv.onStart(n, durable);
    queue.add(now + random.nextInt(10), Event.Kind.TICK, n.id, n.incarnation, 0, null);
  }

  private void endFaults() {
    healed = true;
    healedAt = now;
    deadline = now + options.livenessBoundMs();
    faults.end();
    if (!priorityChecked) {
      long at = now + PriorityChecker.calmMs(options.cluster(), options.protocol());
      queue.add(at, Event.Kind.PRIORITY_CHECK, 0, 0, 0, null);
    }
    for (SimNode n : all) {
      faults.disarm(n, now);
      restart(n);
    }
  }

  // ---- liveness and reports ----

  /** Leader priority, once the network has been calm long enough ({@link PriorityChecker}). */
  private void checkPriority() {
    SortedMap<Integer, Boolean> leading = new TreeMap<>();
    for (SimNode n : all) {
      if (n.up() && n.protocol.votes() && n.protocol.proposer().isPresent()) {
        leading.put(n.id, n.isLeader());
      }
    }
    PriorityChecker.check(options.cluster(), healedAt, now, leading);
    priorityChecked = true;
  }

  private SortedMap<Integer, Long> learnerNextSlots() {
    SortedMap<Integer, Long> next = new TreeMap<>();
    for (SimNode n : all) {
      if (n.has(Role.LEARNER)) {
        next.put(n.id, n.up() ? n.protocol.learner().orElseThrow().nextSlot() : -1L);
      }
    }
    return next;
  }

  private long highestSlot() {
    return checkers.agreement.highestSlot();
  }

  /** Every learner of the latest membership delivered every slot delivered anywhere. */
  private boolean converged() {
    long target = highestSlot() + 1;
    ClusterConfig members = checkers.chosen.latestMembership().config();
    for (SimNode n : all) {
      boolean learns = members.member(n.id).map(m -> m.has(Role.LEARNER)).orElse(false);
      if (learns && (!n.up() || n.protocol.learner().get().nextSlot() != target)) {
        return false;
      }
    }
    return true;
  }

  private String describeFailure() {
    StringBuilder b =
        new StringBuilder("at step ").append(steps).append(", t=").append(now).append(" ms");
    b.append("\n  options: ").append(options);
    b.append("\n  nodes:");
    for (SimNode n : all) {
      b.append("\n    ").append(n);
    }
    b.append("\n  last events (oldest first):");
    for (long i = Math.max(0, steps - RECENT + 1); i <= steps; i++) {
      Event e = recent[(int) (i % RECENT)];
      if (e != null) {
        b.append("\n    ").append(e);
      }
    }
    return b.toString();
  }
}
