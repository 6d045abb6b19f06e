package io.paxos.core.sim;

import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The simulated key-value clients, and the key-value side of the nodes they talk to.
 *
 * <p>Each client runs one operation at a time: a put, delete or compare-and-set (a session command,
 * deduplicated by the library's session table), or a read at a consistency level drawn per read
 * ({@link KvReadServer} serves it as the runtime does). It records the invocation before it sends
 * and the completion after the answer, in simulated time. Like a real client it retries at another
 * node: after a refusal (a write handed back, a read index refused) at the leader hint if any,
 * after {@value #ATTEMPT_TIMEOUT_MS} ms without an answer at another node. A write retries the same
 * command, so at most one copy takes effect. After {@value #MAX_ATTEMPTS} attempts it gives up and
 * records the outcome as unknown ({@code info}); a client that gave up on a write continues as a
 * new process with a new session. Every client keeps a session slot: the highest slot of its writes
 * and of the reads it got, which its SEQUENTIAL reads pass as their floor.
 *
 * <p>Checked: every SEQUENTIAL read returns a value its key held after some chosen slot at or after
 * the client's session slot, every STALE read one it held after some chosen slot ({@link
 * KvTimeline}), at once; at the end the writes, linearizable and lease reads together must be
 * linearizable ({@link SimOptions#historyCheck()}). Not thread-safe.
 */
final class KvWorkload {
  /** What the clients and the key-value side need of the simulation. */
  interface Host {
    long now();

    List<SimNode> nodes();

    void schedule(long at, Event.Kind kind, long client, long token);

    /** A request of {@code client} reaches {@code node} now, or when it resumes if paused. */
    void request(int node, long client, long token);

    /** Submit {@code command} at {@code node} and carry out its outbox. */
    void submit(SimNode node, Command command);

    /** {@code ProtocolNode.read} at {@code node} and carry out its outbox. */
    void read(SimNode node, long readId);

    /** The client of {@code command} was told it succeeded: {@code learner} applied it. */
    void acknowledged(CommandKey command, int learner, long slot);
  }

  static final int ATTEMPT_TIMEOUT_MS = 800;
  static final int MAX_ATTEMPTS = 5;
  private static final String[] KEYS = {"a", "b", "c"};
  private static final long FIRST_PROCESS = 0x10000;

  private static final class Client {
    final int index;
    long process;
    long sequence;
    long sessionSlot;
    int hint;
    Operation op;
    final Map<String, String> lastSeen = new HashMap<>();

    Client(int index, long process) {
      this.index = index;
      this.process = process;
    }
  }

  private static final class Operation {
    final KvEvent invoke;
    final long sessionSlot;
    long sequence;
    byte[] payload;
    int attempts;
    long token;
    int node;

    Operation(KvEvent invoke, long sessionSlot) {
      this.invoke = invoke;
      this.sessionSlot = sessionSlot;
    }

    boolean write() {
      return invoke.f() != KvEvent.Fn.GET;
    }

    @Override
    public String toString() {
      return invoke + " (attempt " + attempts + ")";
    }
  }

  private final SplittableRandom random;
  private final Host host;
  private final AgreementChecker agreement;
  private final int operations;
  private final long spreadMs;
  private final Function<List<KvEvent>, Optional<String>> check;
  private final Client[] clients;
  private final Map<Long, Client> byProcess = new HashMap<>();
  private final KvReplicas replicas = new KvReplicas();
  private final KvTimeline timeline;
  private final KvReadServer server;
  private final List<KvEvent> history = new ArrayList<>();
  private long nextProcess = FIRST_PROCESS;
  private long tokens;
  private long values;
  private int started;
  private long lastMs = -1;
  private long sameMs;
  private int writes;
  private int linearizableReads;
  private int leaseReads;
  private int sequentialReads;
  private int staleReads;
  private int failed;
  private int unknown;
  private int completed;

  KvWorkload(SplittableRandom random, SimOptions options, Host host, AgreementChecker agreement) {
    this.random = random;
    this.host = host;
    this.agreement = agreement;
    this.operations = options.kvOperations();
    this.check = options.historyCheck().orElse(null);
    this.clients = new Client[operations == 0 ? 0 : options.kvClients()];
    // Spread the operations over the faulty period: each client's pause between two operations.
    this.spreadMs =
        clients.length == 0 ? 1 : Math.max(1, options.workloadMs() * clients.length / operations);
    this.timeline = new KvTimeline(agreement);
    this.server =
        new KvReadServer(
            replicas,
            host::read,
            new KvReadServer.Answers() {
              @Override
              public void refused(KvReadServer.Read read, int leaderHint) {
                readRefused(read, leaderHint);
              }

              @Override
              public void served(KvReadServer.Read read, int node, String value, long slot) {
                readServed(read, node, value, slot);
              }
            },
            options.servesSessionReadsEarly());
    for (int i = 0; i < clients.length; i++) {
      clients[i] = new Client(i, nextProcess++);
      byProcess.put(clients[i].process, clients[i]);
    }
  }

  /** Schedule each client's first operation. */
  void start() {
    for (Client c : clients) {
      host.schedule(random.nextLong(spreadMs), Event.Kind.KV_NEXT, c.index, 0);
    }
  }

  /** Whether every operation was made and completed. */
  boolean allComplete() {
    if (started < operations) {
      return false;
    }
    for (Client c : clients) {
      if (c.op != null) {
        return false;
      }
    }
    return true;
  }

  /** The operations in flight, for a liveness report. */
  List<String> incomplete() {
    List<String> out = new ArrayList<>();
    for (Client c : clients) {
      if (c.op != null) {
        out.add("kv client " + c.index + ": " + c.op);
      }
    }
    if (started < operations) {
      out.add((operations - started) + " kv operations not yet made");
    }
    return out;
  }

  /** The whole history, every consistency level. */
  List<KvEvent> history() {
    return List.copyOf(history);
  }

  KvCounts counts() {
    int checked = 0;
    for (KvEvent e : history) {
      checked += e.linearizable() ? 1 : 0;
    }
    return new KvCounts(
        completed,
        writes,
        linearizableReads,
        leaseReads,
        sequentialReads,
        staleReads,
        failed,
        unknown,
        checked);
  }

  /**
   * Check the writes, linearizable and lease reads of the whole history (see the class comment).
   */
  void atEnd() {
    if (check == null || operations == 0) {
      return;
    }
    List<KvEvent> checked = new ArrayList<>();
    for (KvEvent e : history) {
      if (e.linearizable()) {
        checked.add(e);
      }
    }
    check
        .apply(checked)
        .ifPresent(
            problem -> {
              throw new InvariantViolation(InvariantViolation.LINEARIZABILITY, problem);
            });
  }

  // ---- the nodes' side ----

  /** {@code node} (re)started from {@code durable}, after the snapshot it restored if any. */
  void onStart(SimNode node, DurableState durable) {
    server.onStart(node);
    if (node.has(Role.LEARNER)) {
      List<Value> log = new ArrayList<>(agreement.prefix(durable.compactedThrough()));
      log.addAll(durable.chosen());
      replicas.onStart(node.id, log);
    }
  }

  /** {@code node} installed a snapshot of every slot through {@code slot}. */
  void onInstall(SimNode node, long slot) {
    replicas.onStart(node.id, agreement.prefix(slot));
  }

  /**
   * {@code node} delivered chosen values: its replica applies them (completing the writes they
   * hold), and the reads waiting for them are served.
   */
  void delivered(SimNode node, List<Outbox.Delivery> deliveries) {
    if (operations == 0) {
      return;
    }
    for (Outbox.Delivery d : deliveries) {
      replicas.onDeliver(node.id, d.slot(), d.value(), this::writeApplied);
    }
    server.serveApplied(node);
  }

  /**
   * {@code node} settled a batch (its writes durable, its messages sent): answer the clients whose
   * writes it handed back, and take the read indexes it resolved.
   */
  void settled(SimNode node, Outbox batch) {
    if (operations == 0) {
      return;
    }
    for (Outbox.Abandoned a : batch.abandoned()) {
      for (Command c : a.commands()) {
        writeRefused(c, a.leaderHint());
      }
    }
    server.settled(node, batch);
  }

  // ---- the clients ----

  void handle(Event e) {
    Client c = clients[(int) e.arg];
    switch (e.kind) {
      case KV_NEXT:
        begin(c);
        break;
      case KV_ATTEMPT:
        if (c.op != null && c.op.token == e.arg2) {
          attempt(c);
        }
        break;
      case KV_TIMEOUT:
        if (c.op != null && c.op.token == e.arg2) {
          c.hint = 0; // suspect the node that did not answer
          retry(c);
        }
        break;
      case KV_REQUEST:
        if (c.op != null && c.op.token == e.arg2) {
          send(c, e.node);
        }
        break;
      default:
        throw new IllegalStateException("not a kv event: " + e);
    }
  }

  private void begin(Client c) {
    if (started == operations) {
      return;
    }
    started++;
    String key = KEYS[random.nextInt(KEYS.length)];
    int roll = random.nextInt(100);
    KvEvent.Fn f;
    String value = null;
    String expected = null;
    Consistency consistency = null;
    if (roll < 45) {
      f = KvEvent.Fn.GET;
      int level = random.nextInt(20);
      consistency =
          level < 7
              ? Consistency.LINEARIZABLE
              : level < 10
                  ? Consistency.LEASE
                  : level < 16 ? Consistency.SEQUENTIAL : Consistency.STALE;
    } else if (roll < 70) {
      f = KvEvent.Fn.PUT;
      value = "v" + ++values;
    } else if (roll < 85) {
      f = KvEvent.Fn.CAS;
      value = "v" + ++values;
      expected = random.nextInt(4) == 0 ? null : c.lastSeen.get(key);
    } else {
      f = KvEvent.Fn.DELETE;
    }
    KvEvent invoke =
        new KvEvent(c.process, KvEvent.Type.INVOKE, f, key, value, expected, time(), consistency);
    history.add(invoke);
    Operation op = new Operation(invoke, c.sessionSlot);
    c.op = op;
    if (op.write()) {
      KvCommand.Op kind =
          f == KvEvent.Fn.PUT
              ? KvCommand.Op.PUT
              : f == KvEvent.Fn.CAS ? KvCommand.Op.CAS : KvCommand.Op.DELETE;
      op.sequence = ++c.sequence;
      op.payload = new KvCommand(kind, key, value, expected).encode();
    }
    attempt(c);
  }

  private void attempt(Client c) {
    Operation op = c.op;
    op.attempts++;
    op.token = ++tokens;
    host.schedule(host.now() + ATTEMPT_TIMEOUT_MS, Event.Kind.KV_TIMEOUT, c.index, op.token);
    SimNode node = pick(c, !op.write());
    if (node == null) {
      return; // none up: the attempt times out
    }
    op.node = node.id;
    host.request(node.id, c.index, op.token);
  }

  /** The request of {@code c}'s current attempt reaches {@code nodeId}. */
  private void send(Client c, int nodeId) {
    Operation op = c.op;
    SimNode node = null;
    for (SimNode n : host.nodes()) {
      node = n.id == nodeId ? n : node;
    }
    if (node == null || !node.up()) {
      return; // it crashed meanwhile: the attempt times out
    }
    if (op.write()) {
      // acknowledgedBelow = sequence: every earlier command of this session was answered
      host.submit(node, new Command(node.id, c.process, op.sequence, op.sequence, op.payload));
    } else {
      server.read(
          node,
          new KvReadServer.Read(
              c.index, op.token, op.invoke.consistency(), op.invoke.key(), op.sessionSlot));
    }
  }

  /** The node to try: usually the hinted or last good one if it is up, else any up node. */
  private SimNode pick(Client c, boolean learner) {
    List<SimNode> candidates = new ArrayList<>();
    SimNode hinted = null;
    for (SimNode n : host.nodes()) {
      if (n.up() && (!learner || n.has(Role.LEARNER))) {
        candidates.add(n);
        hinted = n.id == c.hint ? n : hinted;
      }
    }
    if (hinted != null && random.nextInt(5) != 0) {
      return hinted;
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** Try again after a short pause, or give up once the attempts are used up. */
  private void retry(Client c) {
    Operation op = c.op;
    if (op.attempts >= MAX_ATTEMPTS) {
      giveUp(c);
      return;
    }
    op.token = ++tokens; // the pending timeout and any late answer no longer count
    long backoff = 2 + random.nextInt(10 * Math.min(op.attempts, 8));
    host.schedule(host.now() + backoff, Event.Kind.KV_ATTEMPT, c.index, op.token);
  }

  private void giveUp(Client c) {
    unknown++;
    boolean write = c.op.write();
    complete(c, KvEvent.Type.INFO, c.op.invoke.value());
    if (write) {
      // The write may still take effect: carry on as a new process, with a new session.
      byProcess.remove(c.process);
      c.process = nextProcess++;
      c.sequence = 0;
      byProcess.put(c.process, c);
    }
  }

  private void writeApplied(int learner, Command command, long slot, byte[] result) {
    Client c = byProcess.get(command.clientId());
    if (c == null || c.op == null || !c.op.write() || c.op.sequence != command.sequence()) {
      return;
    }
    host.acknowledged(CommandKey.of(command), learner, slot);
    KvEvent invoke = c.op.invoke;
    boolean held = result.length == 1 && result[0] == KvCommand.APPLIED[0];
    c.sessionSlot = Math.max(c.sessionSlot, slot);
    c.hint = c.op.node;
    if (held) {
      c.lastSeen.put(invoke.key(), invoke.value());
    } else {
      failed++;
    }
    writes++;
    complete(c, held ? KvEvent.Type.OK : KvEvent.Type.FAIL, invoke.value());
  }

  private void writeRefused(Command command, int leaderHint) {
    Client c = byProcess.get(command.clientId());
    if (c == null
        || c.op == null
        || !c.op.write()
        || c.op.sequence != command.sequence()
        || c.op.node != command.origin()
        || KvCommand.decode(command.payload()) == null) {
      return;
    }
    c.hint = leaderHint;
    retry(c);
  }

  private void readRefused(KvReadServer.Read read, int leaderHint) {
    Client c = clients[read.client()];
    if (c.op != null && c.op.token == read.token()) {
      c.hint = leaderHint;
      retry(c);
    }
  }

  private void readServed(KvReadServer.Read read, int node, String value, long slot) {
    Client c = clients[read.client()];
    if (c.op == null || c.op.token != read.token()) {
      return;
    }
    Consistency consistency = read.consistency();
    if (consistency == Consistency.SEQUENTIAL || consistency == Consistency.STALE) {
      long from = consistency == Consistency.SEQUENTIAL ? read.sessionSlot() : 0;
      long through = timeline.catchUp();
      if (!timeline.held(read.key(), value, from, through)) {
        throw new InvariantViolation(
            InvariantViolation.SESSION_READ,
            consistency
                + " read of key "
                + read.key()
                + " by process "
                + c.process
                + " at node "
                + node
                + " returned "
                + value
                + " (reported at slot "
                + slot
                + "), which the key held after no chosen slot in ["
                + from
                + ", "
                + through
                + "] (its value "
                + timeline.whenHeld(read.key(), value)
                + ")");
      }
    }
    switch (consistency) {
      case LINEARIZABLE -> linearizableReads++;
      case LEASE -> leaseReads++;
      case SEQUENTIAL -> sequentialReads++;
      default -> staleReads++;
    }
    c.sessionSlot = Math.max(c.sessionSlot, slot);
    c.hint = node;
    c.lastSeen.put(read.key(), value);
    complete(c, KvEvent.Type.OK, value);
  }

  private void complete(Client c, KvEvent.Type type, String value) {
    history.add(c.op.invoke.completed(type, value, time()));
    completed++;
    c.op = null;
    host.schedule(host.now() + random.nextLong(2 * spreadMs), Event.Kind.KV_NEXT, c.index, 0);
  }

  /** The simulated time in nanoseconds, strictly increasing from event to event. */
  private long time() {
    long now = host.now();
    sameMs = now == lastMs ? sameMs + 1 : 0;
    lastMs = now;
    return now * 1_000_000 + sameMs;
  }
}
