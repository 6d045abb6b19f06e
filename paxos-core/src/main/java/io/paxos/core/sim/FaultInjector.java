package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.storage.InMemoryStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The faults of a {@link Simulation} ({@link Faults}): schedules them from the seed when the run
 * starts, and carries out each crash, wipe, pause and partition on the nodes when its event comes,
 * until the faults end ({@link #end}). A crash keeps what the node synced and, by the {@link
 * StorageCrash} model, none or a prefix of the writes made since; the node restarts when its
 * downtime is over (a {@code RESTART} event). Counts what it did, for the run's {@link SimResult}.
 *
 * <p>It draws from the simulation's own generator, in the order the simulation calls it, so that a
 * seed gives the same run. Single-threaded.
 */
final class FaultInjector {
  private final SimOptions options;
  private final SplittableRandom random;
  private final EventQueue queue;
  private final SimNetwork network;
  private final List<SimNode> all;
  private final int idLimit;
  private final AcceptorChecker acceptors;
  private final Set<Integer> wiped = new TreeSet<>();
  private boolean ended;
  private int partitionEpisode;

  private int crashes;
  private int midSyncCrashes;
  private long survivingWrites;
  private long lostWrites;
  private int wipes;
  private int partitions;
  private int pauses;

  /**
   * @param idLimit one above the highest node id
   * @param acceptors the checker that forgets what a wiped node's acceptor promised
   */
  FaultInjector(
      SimOptions options,
      SplittableRandom random,
      EventQueue queue,
      SimNetwork network,
      List<SimNode> all,
      int idLimit,
      AcceptorChecker acceptors) {
    this.options = options;
    this.random = random;
    this.queue = queue;
    this.network = network;
    this.all = all;
    this.idLimit = idLimit;
    this.acceptors = acceptors;
  }

  /** Schedule the run's partitions, crashes, wipes and pauses within its workload period. */
  void schedule() {
    Faults f = options.faults();
    for (int i = 0; i < f.partitions(); i++) {
      long duration = 50 + random.nextLong(f.maxEpisodeMs());
      queue.add(random.nextLong(options.workloadMs()), Event.Kind.PARTITION, 0, 0, duration, null);
    }
    for (int i = 0; i < f.crashes(); i++) {
      // Half the crashes are short: the node is back before the others elect a new leader, which
      // is when a proposer that forgot its rounds would reuse a ballot.
      long downtime = 5 + random.nextLong(random.nextBoolean() ? 60 : f.maxEpisodeMs());
      double kind = random.nextDouble();
      SimNode.ArmedCrash armed =
          kind < f.midSyncCrashRate()
              ? SimNode.ArmedCrash.MID_SYNC
              : kind < f.midSyncCrashRate() + f.midSendCrashRate()
                  ? SimNode.ArmedCrash.MID_SEND
                  : SimNode.ArmedCrash.NONE;
      queue.add(
          random.nextLong(options.workloadMs()),
          Event.Kind.CRASH,
          0,
          armed.ordinal(),
          downtime,
          null);
    }
    for (int i = 0; i < f.wipes(); i++) {
      long downtime = 5 + random.nextLong(f.maxEpisodeMs());
      queue.add(random.nextLong(options.workloadMs()), Event.Kind.WIPE, 0, 0, downtime, null);
    }
    for (int i = 0; i < f.pauses(); i++) {
      long length = 5 + random.nextLong(f.maxEpisodeMs());
      queue.add(random.nextLong(options.workloadMs()), Event.Kind.PAUSE, 0, 0, length, null);
    }
  }

  /** The faults are over: the network heals and calms; no fault event has any effect after. */
  void end() {
    ended = true;
    network.heal();
    network.calm(options.protocol().heartbeatIntervalMs() / 2);
  }

  /** After the faults: {@code n} has no crash armed and is not paused past {@code now}. */
  void disarm(SimNode n, long now) {
    n.armedCrash = SimNode.ArmedCrash.NONE;
    n.pausedUntil = Math.min(n.pausedUntil, now);
  }

  /** The node to hit: half the time the current leader (if any), else any node. */
  private SimNode victim() {
    if (random.nextBoolean()) {
      for (SimNode n : all) {
        if (n.isLeader()) {
          return n;
        }
      }
    }
    return all.get(random.nextInt(all.size()));
  }

  /** A {@code CRASH} event: crash a node now, or arm the crash for its next sync or sends. */
  void crashEvent(Event e, long now) {
    SimNode n = victim();
    if (ended || !n.up()) {
      return;
    }
    SimNode.ArmedCrash armed = SimNode.ArmedCrash.values()[(int) e.arg];
    if (armed != SimNode.ArmedCrash.NONE) {
      n.armedCrash = armed;
      n.armedDowntime = e.arg2;
    } else {
      crash(n, e.arg2, now);
    }
  }

  /** An armed {@code MID_SYNC} crash strikes: the group's writes were made, not forced. */
  void crashMidSync(SimNode n, long now) {
    midSyncCrashes++;
    crash(n, n.armedDowntime, now);
  }

  /**
   * An armed {@code MID_SEND} crash strikes: the carrier settles the batches that waited for the
   * force, but only some of their messages (0 to 3) leave before the node crashes.
   */
  void crashMidSend(SimNode n, long now) {
    n.sendBudget = random.nextInt(4);
    n.carrier.releaseWritten();
    crash(n, n.armedDowntime, now);
  }

  /**
   * Wipe a node that is up and whose loss leaves a quorum of acceptors and a proposer among the
   * nodes never wiped: half the time the leader if it may be wiped, else one of those at random.
   */
  void wipeEvent(Event e, long now) {
    if (ended) {
      return;
    }
    List<SimNode> candidates = new ArrayList<>();
    SimNode leader = null;
    for (SimNode n : all) {
      if (n.up() && mayWipe(n)) {
        candidates.add(n);
        leader = n.isLeader() ? n : leader;
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    SimNode n =
        leader != null && random.nextBoolean()
            ? leader
            : candidates.get(random.nextInt(candidates.size()));
    wiped.add(n.id);
    wipes++;
    n.snapshotLostToWipe = n.snapshotSlotBeforeWipes();
    crash(n, e.arg2, now);
    n.storage = new InMemoryStorage();
    acceptors.forget(n.id);
  }

  private boolean mayWipe(SimNode candidate) {
    int acceptorCount = 0;
    int proposers = 0;
    int learners = 0;
    for (SimNode n : all) {
      if (n == candidate || wiped.contains(n.id)) {
        continue;
      }
      acceptorCount += n.has(Role.ACCEPTOR) ? 1 : 0;
      proposers += n.has(Role.PROPOSER) ? 1 : 0;
      learners += n.has(Role.LEARNER) ? 1 : 0;
    }
    ClusterConfig c = options.cluster();
    // Wiped nodes that vote again (the unprotected host) leave every node a voter.
    boolean voters =
        options.wipedNodesVote()
            || (proposers > 0 && acceptorCount >= Math.max(c.phase1Quorum(), c.phase2Quorum()));
    return voters && learners > c.idsWith(Role.LEARNER).length / 2;
  }

  /**
   * Mark a wiped node's storage so it votes again, as a broken host does ({@link
   * SimOptions#wipedNodesVote()}); with VOTER_ABOVE_PROMISES (see {@link SimOptions.WipedRejoin}),
   * start its promise and round at the highest promise of the others.
   */
  void rejoinAsVoter(SimNode n) {
    if (options.wipedRejoin() == SimOptions.WipedRejoin.VOTER_ABOVE_PROMISES) {
      Ballot highest = Ballot.ZERO;
      for (SimNode other : all) {
        if (other != n) {
          Ballot promised =
              other.up() && other.protocol.acceptor().isPresent()
                  ? other.protocol.acceptor().get().promised()
                  : other.storage.load().promised();
          highest = Ballot.max(highest, promised);
        }
      }
      n.storage.savePromise(highest);
      n.storage.saveRound(highest.round());
      n.storage.sync();
    }
    n.storage.markBootstrapped();
  }

  /** Pause a node that is up and not paused: half the time the leader. */
  void pauseEvent(Event e, long now) {
    SimNode n = victim();
    if (ended || !n.up() || n.pausedUntil > now) {
      return;
    }
    n.pausedUntil = now + e.arg2;
    n.backlogOffsets = new int[idLimit];
    Arrays.fill(n.backlogOffsets, -1);
    pauses++;
  }

  /**
   * A {@code PARTITION} event: isolate a node, split the nodes in two at random, or mute or deafen
   * a node, until the episode's {@code HEAL} event.
   */
  void partitionEvent(Event e, long now) {
    if (ended) {
      return;
    }
    network.heal();
    partitionEpisode++;
    partitions++;
    int kind = random.nextInt(4);
    SimNode target = victim();
    if (kind == 0) {
      int[] groups = new int[idLimit];
      groups[target.id] = 1;
      network.partition(groups);
    } else if (kind == 1) {
      int[] groups = new int[idLimit];
      for (SimNode n : all) {
        groups[n.id] = random.nextInt(2);
      }
      network.partition(groups);
    } else if (kind == 2) {
      network.mute(target.id);
    } else {
      network.deafen(target.id);
    }
    queue.add(now + e.arg2, Event.Kind.HEAL, 0, partitionEpisode, 0, null);
  }

  /** A {@code HEAL} event: the partition ends, unless a later one replaced it. */
  void healEvent(Event e) {
    if (e.arg == partitionEpisode) {
      network.heal();
    }
  }

  /**
   * Crash {@code n}: it loses its protocol state, its carrier's batches and its queued writes; its
   * storage keeps what the crash model lets survive; it restarts {@code downtime} ms later.
   */
  private void crash(SimNode n, long downtime, long now) {
    n.protocol = null;
    n.carrier = null; // with the batches it held: never sent
    n.writer = null; // with the writes still queued: never made
    n.sendBudget = -1;
    n.deliveredSlot = 0;
    n.armedCrash = SimNode.ArmedCrash.NONE;
    n.pausedUntil = 0;
    int unsynced = n.storage.unsyncedWrites();
    int surviving = options.faults().storageCrash().survivors(unsynced, random);
    n.storage.crash(surviving);
    survivingWrites += surviving;
    lostWrites += unsynced - surviving;
    n.out.clear();
    n.incarnation++;
    crashes++;
    queue.add(now + downtime, Event.Kind.RESTART, n.id, n.incarnation, 0, null);
  }

  int crashes() {
    return crashes;
  }

  int midSyncCrashes() {
    return midSyncCrashes;
  }

  long survivingWrites() {
    return survivingWrites;
  }

  long lostWrites() {
    return lostWrites;
  }

  int wipes() {
    return wipes;
  }

  int partitions() {
    return partitions;
  }

  int pauses() {
    return pauses;
  }
}
