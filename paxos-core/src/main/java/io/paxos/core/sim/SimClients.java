package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.ProtocolNode;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The clients of a {@link Simulation}: the byte workload's ({@link Workload}), which submit each
 * request at a random node that is up and submit it again after a timeout or a hand-back, and the
 * lease reads, made at a node that believes it leads (half the time) or at any node that is up and
 * checked when answered ({@link ReadIndexChecker}); and the {@link KvWorkload.Host} through which
 * the key-value clients reach the nodes.
 *
 * <p>It draws from the simulation's own generator, in the order the simulation calls it, so that a
 * seed gives the same run. Single-threaded.
 */
final class SimClients {
  private final SimOptions options;
  private final SplittableRandom random;
  private final EventQueue queue;
  private final Workload workload;
  private final Checkers checkers;
  private final ReadIndexChecker reads;
  private final List<SimNode> all;
  private final LongSupplier clock;
  private final Consumer<SimNode> finish;
  private long readIds;

  /**
   * @param clock the simulation's time
   * @param finish what the simulation does once a node took its inputs: flush and carry out
   */
  SimClients(
      SimOptions options,
      SplittableRandom random,
      EventQueue queue,
      Workload workload,
      Checkers checkers,
      ReadIndexChecker reads,
      List<SimNode> all,
      LongSupplier clock,
      Consumer<SimNode> finish) {
    this.options = options;
    this.random = random;
    this.queue = queue;
    this.workload = workload;
    this.checkers = checkers;
    this.reads = reads;
    this.all = all;
    this.clock = clock;
    this.finish = finish;
  }

  /** The key-value clients' way to the nodes. */
  KvWorkload.Host kvHost() {
    return new KvHost();
  }

  void schedule() {
    for (int i = 0; i < options.leaseReads(); i++) {
      queue.add(random.nextLong(options.workloadMs()), Event.Kind.READ, 0, 0, 0, null);
    }
    int left = options.commands();
    while (left > 0) {
      int batch = Math.min(left, 1 + random.nextInt(3));
      left -= batch;
      queue.add(random.nextLong(options.workloadMs()), Event.Kind.SUBMIT, 0, batch, 0, null);
    }
  }

  void submitNew(int count) {
    SimNode origin = randomUpNode();
    if (origin == null) {
      queue.add(clock.getAsLong() + 10, Event.Kind.SUBMIT, 0, count, 0, null);
      return;
    }
    for (int i = 0; i < count; i++) {
      submit(workload.newRequest(clock.getAsLong()), origin);
    }
    finish.accept(origin);
  }

  private void submit(Workload.Request r, SimNode origin) {
    Command c = workload.newAttempt(r, origin.id);
    checkers.onSubmit(c);
    origin.protocol.submit(c, origin.clock(clock.getAsLong()), origin.out);
    queue.add(
        clock.getAsLong() + options.clientTimeoutMs(),
        Event.Kind.CLIENT_TIMEOUT,
        0,
        r.id,
        r.attempt,
        null);
  }

  void resubmit(Workload.Request r, int attempt) {
    if (r.complete || r.current != null || r.attempt != attempt) {
      return;
    }
    SimNode origin = randomUpNode();
    if (origin == null) {
      queue.add(clock.getAsLong() + 10, Event.Kind.RESUBMIT, 0, r.id, attempt, null);
      return;
    }
    submit(r, origin);
    finish.accept(origin);
  }

  void clientTimeout(Workload.Request r, int attempt) {
    if (r.complete || r.current == null || r.attempt != attempt) {
      return;
    }
    r.current = null;
    resubmit(r, attempt);
  }

  /**
   * A lease read at a node that believes it leads (half the time, if any does) or at any node that
   * is up; checked when answered ({@link ReadIndexChecker}).
   */
  void leaseRead() {
    SimNode at = random.nextBoolean() ? believedLeader() : null;
    at = at != null ? at : randomUpNode();
    if (at == null) {
      return;
    }
    long readId = ++readIds | ProtocolNode.LEASE_READ;
    reads.onIssue(readId, checkers.chosen.highestChosen());
    at.protocol.read(readId, at.clock(clock.getAsLong()), at.out);
    finish.accept(at);
  }

  /** A node that is up and believes it leads, the one with the lowest ballot if several do. */
  private SimNode believedLeader() {
    SimNode leader = null;
    for (SimNode n : all) {
      if (n.isLeader()
          && (leader == null || leader.protocol.ballot().isAbove(n.protocol.ballot()))) {
        leader = n;
      }
    }
    return leader;
  }

  private SimNode randomUpNode() {
    int up = 0;
    for (SimNode n : all) {
      up += n.up() && n.pausedUntil <= clock.getAsLong() ? 1 : 0;
    }
    if (up == 0) {
      return null;
    }
    int pick = random.nextInt(up);
    for (SimNode n : all) {
      if (n.up() && n.pausedUntil <= clock.getAsLong() && pick-- == 0) {
        return n;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** What the key-value clients ({@link KvWorkload}) do through the simulation. */
  private final class KvHost implements KvWorkload.Host {
    @Override
    public long now() {
      return clock.getAsLong();
    }

    @Override
    public List<SimNode> nodes() {
      return all;
    }

    @Override
    public void schedule(long at, Event.Kind kind, long client, long token) {
      queue.add(at, kind, 0, client, token, null);
    }

    @Override
    public void request(int node, long client, long token) {
      queue.add(clock.getAsLong(), Event.Kind.KV_REQUEST, node, client, token, null);
    }

    @Override
    public void submit(SimNode node, Command command) {
      checkers.onSubmit(command);
      node.protocol.submit(command, node.clock(clock.getAsLong()), node.out);
      finish.accept(node);
    }

    @Override
    public void read(SimNode node, long readId) {
      node.protocol.read(readId, node.clock(clock.getAsLong()), node.out);
      finish.accept(node);
    }

    @Override
    public void acknowledged(CommandKey command, int learner, long slot) {
      checkers.onAcknowledged(command, learner, slot);
    }
  }
}
