package io.paxos.core.host.golden;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.SnapshotInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The world a golden script acts on: real {@link ProtocolNode}s (every role their membership gives
 * them), each hosted by the runtime's {@link OutboxCarrier} over a {@link ScriptedWriter}, an
 * in-memory network that holds every message in flight until the script delivers or drops it, and
 * one clock that moves only when the script says so. Each command prints, one line each and in the
 * order they happen, the writes queued, made and forced, the messages sent and handed back, the
 * values delivered, the commands handed back and the read indexes resolved.
 *
 * <p>A node takes inputs in turns, as the runtime's event loop does: the inputs (a submit, a tick,
 * its whole inbox), then one {@link ProtocolNode#flush}, then its carrier carries the outbox out.
 *
 * <p><b>Crashes.</b> {@link #crash} loses what the node held in memory: its protocol state, the
 * writes its storage thread had not made, the batches its carrier held for a force, its inbox, and
 * the writes made since the last sync (all of them, or those after the first {@code keep}, by
 * {@link io.paxos.core.storage.InMemoryStorage#crash(int)}'s model). The node restarts at once from
 * what its storage holds. Messages in flight in the network, to or from it, stay in flight: the
 * network does not know the node crashed, so an old message may reach the new incarnation, as on a
 * real network; a script that wants them lost drops them.
 *
 * <p>Timings are fixed ({@link #OPTIONS}: heartbeat 50 ms, election timeout exactly 300 ms,
 * retransmit 200 ms), and each incarnation draws from a {@link SplittableRandom} seeded with its
 * node id and incarnation, so a script's output never changes unless the protocol or host does.
 *
 * <p>Not thread-safe.
 */
final class ScriptedCluster {
  /** The protocol options of every scripted node: fixed, so a timeout is {@code now + 300}. */
  static final ProtocolOptions OPTIONS = ProtocolOptions.defaults().withTimings(50, 300, 300, 200);

  private static final byte[] NO_BYTES = new byte[0];

  /** A message in the network, from one node to another. */
  private record InFlight(int from, int to, PeerMessage message) {}

  private final ClusterConfig config;
  private final ProtocolOptions options;
  private final boolean writersReportEarly;
  private final TreeMap<Integer, ScriptedNode> nodes = new TreeMap<>();
  private final List<InFlight> network = new ArrayList<>();
  private final List<String> printed = new ArrayList<>();
  private long now;
  private long nextSequence = 1;
  private long nextReadId = 1;

  /**
   * Start {@code members} at time 0; each node's first tick arms its election timer.
   *
   * @param options {@link #OPTIONS}, or those with leases on
   * @param writersReportEarly every node's storage thread is broken: it reports writes done before
   *     it makes or forces them
   */
  ScriptedCluster(List<Member> members, ProtocolOptions options, boolean writersReportEarly) {
    this.config = ClusterConfig.withMajorities("golden", members);
    this.options = options;
    this.writersReportEarly = writersReportEarly;
    for (Member m : config.members()) {
      nodes.put(m.id(), new ScriptedNode(m));
    }
    for (ScriptedNode n : nodes.values()) {
      start(n);
    }
  }

  /** The lines printed since the last call. */
  List<String> takePrinted() {
    List<String> lines = List.copyOf(printed);
    printed.clear();
    return lines;
  }

  private void print(String line) {
    printed.add(line);
  }

  long now() {
    return now;
  }

  ScriptedNode node(int id) {
    ScriptedNode n = nodes.get(id);
    if (n == null) {
      throw new ScriptException("no node " + id + " (nodes: " + nodes.keySet() + ")");
    }
    return n;
  }

  // ---- commands ----

  /**
   * Client commands with these payloads arrive at {@code node}, in one turn: one-shot commands, or,
   * if {@code session}, commands of a client session (deduplicated by the replicated session table,
   * so a node may send them again), each the oldest its client awaits an answer for.
   */
  void submit(int node, List<String> payloads, boolean session) {
    ScriptedNode n = node(node);
    for (String p : payloads) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      long sequence = nextSequence++;
      n.protocol.submit(
          new Command(node, node, sequence, session ? sequence : 0, bytes), now, n.out);
    }
    finishTurn(n);
  }

  /** The clock moves to {@code at} (if given) and {@code node}'s timers fire. */
  void tick(int node, Optional<Long> at) {
    ScriptedNode n = node(node);
    if (at.isPresent()) {
      if (at.get() < now) {
        throw new ScriptException("time goes forward only: at=" + at.get() + " is before " + now);
      }
      now = at.get();
    }
    n.protocol.tick(now, n.out);
    finishTurn(n);
  }

  /**
   * Ask {@code node} for a read index (a linearizable read), or, if {@code lease}, for a lease read
   * ({@link ProtocolNode#LEASE_READ}).
   */
  void read(int node, boolean lease) {
    ScriptedNode n = node(node);
    long id = nextReadId++;
    n.protocol.read(lease ? id | ProtocolNode.LEASE_READ : id, now, n.out);
    finishTurn(n);
  }

  /** Move the messages in flight that match into their receivers' inboxes, in the order sent. */
  void deliver(LinkFilter filter) {
    int moved = 0;
    for (Iterator<InFlight> it = network.iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (filter.matches(f.from(), f.to())) {
        it.remove();
        node(f.to()).inbox.add(new ScriptedNode.Inbound(f.from(), f.message(), false));
        print("inbox " + f.from() + "->" + f.to() + " " + MessageFormatter.message(f.message()));
        moved++;
      }
    }
    if (moved == 0) {
      print("nothing in flight on " + filter);
    }
  }

  /** Lose the messages in flight that match. */
  void drop(LinkFilter filter) {
    int dropped = 0;
    for (Iterator<InFlight> it = network.iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (filter.matches(f.from(), f.to())) {
        it.remove();
        print("drop " + f.from() + "->" + f.to() + " " + MessageFormatter.message(f.message()));
        dropped++;
      }
    }
    if (dropped == 0) {
      print("nothing in flight on " + filter);
    }
  }

  /**
   * {@code node} takes its whole inbox in one turn: each message (a peer's refused by the bounds
   * check, a snapshot installed), then one flush, then its carrier carries the outbox out.
   */
  void process(int node) {
    ScriptedNode n = node(node);
    List<ScriptedNode.Inbound> taken = List.copyOf(n.inbox);
    n.inbox.clear();
    for (ScriptedNode.Inbound in : taken) {
      PeerMessage m = in.message();
      if (!in.loopback()) {
        Optional<String> refusal = PeerMessageBounds.refusal(m, n.protocol);
        if (refusal.isPresent()) {
          print(
              "refuse "
                  + in.from()
                  + "->"
                  + n.id
                  + " "
                  + MessageFormatter.message(m)
                  + ": "
                  + refusal.get());
          continue;
        }
      }
      if (m instanceof HostMessage.SnapshotChunk c) {
        install(n, c.slot()); // the host's business: the roles never see it
      } else if (m instanceof Message message) {
        n.protocol.receive(message, now, n.out);
      }
    }
    finishTurn(n);
  }

  /** {@code node}'s storage thread makes its queued writes, without forcing them. */
  void write(int node) {
    ScriptedNode n = node(node);
    n.writer.writeQueued();
    n.carrier.releaseWritten();
  }

  /**
   * {@code node}'s storage thread makes its queued writes and forces them; the carrier then
   * releases, in order, the batches that waited.
   */
  void force(int node) {
    ScriptedNode n = node(node);
    n.writer.force();
    n.carrier.releaseWritten();
  }

  /**
   * {@code node} crashes and restarts at once from its storage: it loses its memory, its queued
   * writes, the batches its carrier held and its inbox; of the writes made but not synced, the
   * first {@code keep} survive (in the order made) and the rest are lost.
   */
  void crash(int node, int keep) {
    ScriptedNode n = node(node);
    int unsynced = n.storage.unsyncedWrites();
    if (keep < 0 || keep > unsynced) {
      throw new ScriptException(
          "keep=" + keep + " is outside 0.." + unsynced + " (the writes made since the last sync)");
    }
    StringJoiner lost = new StringJoiner(", ");
    if (n.writer.queuedCount() > 0) {
      lost.add("queued " + n.writer.queuedTickets());
    }
    if (unsynced > keep) {
      lost.add((unsynced - keep) + " of " + unsynced + " unsynced " + plural(unsynced, "record"));
    }
    if (n.carrier.holding()) {
      lost.add("the batches waiting for a force");
    }
    if (!n.inbox.isEmpty()) {
      lost.add(n.inbox.size() + " inbox " + plural(n.inbox.size(), "message"));
    }
    print(
        "n"
            + n.id
            + " crash: lost "
            + (lost.length() == 0 ? "nothing" : lost)
            + (keep > 0 ? "; kept " + keep + " unsynced " + plural(keep, "record") : ""));
    n.storage.crash(keep);
    n.inbox.clear();
    n.out.clear();
    n.protocol = null;
    start(n);
  }

  /**
   * {@code node} took a snapshot of every slot through {@code slot}: it is saved, the protocol
   * compacts below it, and the compaction is written and synced, as the simulator does.
   */
  void compact(int node, long slot) {
    ScriptedNode n = node(node);
    if (!n.has(Role.LEARNER)) {
      throw new ScriptException("node " + node + " hosts no learner: it takes no snapshots");
    }
    long delivered = n.protocol.learner().orElseThrow().nextSlot() - 1;
    if (slot < 1 || slot > delivered) {
      throw new ScriptException(
          "node " + node + " can snapshot slots 1.." + delivered + " (delivered), not " + slot);
    }
    saveSnapshot(n, slot);
    print("n" + n.id + " snapshot through " + slot);
    n.protocol.compact(slot, n.out);
    n.carrier.write(storage -> storage.compact(slot), true);
    finishTurn(n);
  }

  /** Each node's role, ballot, promise, next slot to deliver, commit slot and what it holds. */
  void status() {
    for (ScriptedNode n : nodes.values()) {
      ProtocolNode p = n.protocol;
      StringBuilder b = new StringBuilder("n").append(n.id).append(':');
      p.proposer()
          .ifPresent(
              pr ->
                  b.append(pr.isLeader() ? " leader" : " follower hint=" + pr.leaderHint())
                      .append(" ballot=")
                      .append(pr.ballot()));
      p.acceptor()
          .ifPresent(
              a -> {
                b.append(" promise=").append(a.promised());
                if (a.compactedThrough() > 0) {
                  b.append(" compacted=").append(a.compactedThrough());
                }
              });
      p.learner()
          .ifPresent(
              l ->
                  b.append(" next=")
                      .append(l.nextSlot())
                      .append(" commit=")
                      .append(p.commitSlot()));
      if (!n.inbox.isEmpty()) {
        b.append(" inbox=").append(n.inbox.size());
      }
      if (n.writer.queuedCount() > 0) {
        b.append(" queued=").append(n.writer.queuedTickets());
      }
      if (n.carrier.holding()) {
        b.append(" holding");
      }
      print(b.toString());
    }
    if (!network.isEmpty()) {
      print("in flight: " + network.size());
    }
  }

  /** What {@code node}'s storage holds durably (as a restart would find it). */
  void storage(int node) {
    ScriptedNode n = node(node);
    print("n" + n.id + " durable: " + describe(n.storage.load(), snapshotSlot(n)));
    if (n.storage.unsyncedWrites() > 0) {
      print(
          "n" + n.id + " not durable: " + n.storage.unsyncedWrites() + " records made, not synced");
    }
  }

  private static String plural(int count, String noun) {
    return count == 1 ? noun : noun + "s";
  }

  // ---- hosting a node ----

  /** Build the node's protocol from its storage (restoring its snapshot) and tick it once. */
  private void start(ScriptedNode n) {
    DurableState durable = n.storage.load();
    long snapshot = snapshotSlot(n);
    if (n.has(Role.LEARNER) && snapshot > 0) {
      // As the runtime does: restore the newest snapshot, replay the log after it.
      if (snapshot > durable.compactedThrough()) {
        n.storage.compact(snapshot);
        n.storage.sync();
      }
      durable = durable.afterSnapshot(snapshot);
    }
    n.incarnation++;
    if (n.incarnation > 1) {
      print("n" + n.id + " restart: " + describe(durable, snapshot));
    }
    n.protocol =
        new ProtocolNode(
            n.id,
            config,
            options,
            new SplittableRandom(n.id * 1_000L + n.incarnation),
            durable,
            RoleFactory.DEFAULT,
            n.storage.bootstrapped());
    n.writer = new ScriptedWriter(n.id, n.storage, this::print, writersReportEarly);
    n.carrier = new OutboxCarrier(n.id, n.writer, new NodeEffects(n));
    n.protocol.tick(now, n.out);
    finishTurn(n);
  }

  private static String describe(DurableState s, long snapshot) {
    StringBuilder b =
        new StringBuilder("promise=")
            .append(s.promised())
            .append(" round=")
            .append(s.maxRound())
            .append(" accepted=")
            .append(MessageFormatter.entries(s.accepted()))
            .append(" chosen={");
    long slot = s.compactedThrough() + 1;
    StringJoiner chosen = new StringJoiner(" ");
    for (Value v : s.chosen()) {
      chosen.add(slot++ + "=" + MessageFormatter.value(v));
    }
    b.append(chosen).append('}');
    if (s.compactedThrough() > 0) {
      b.append(" compacted=").append(s.compactedThrough());
    }
    if (snapshot > 0) {
      b.append(" snapshot=").append(snapshot);
    }
    return b.toString();
  }

  /** The inputs are taken: flush, then the carrier carries the outbox out. */
  private void finishTurn(ScriptedNode n) {
    n.protocol.flush(now, n.out);
    n.carrier.carryOut(n.out);
  }

  private static long snapshotSlot(ScriptedNode n) {
    return n.storage.snapshots().latest().map(SnapshotInfo::slot).orElse(0L);
  }

  private static void saveSnapshot(ScriptedNode n, long slot) {
    try {
      n.storage.snapshots().save(slot, out -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory store does not fail
    }
  }

  /** A peer's snapshot of {@code slot} arrived at {@code n}: install it if it is ahead. */
  private void install(ScriptedNode n, long slot) {
    if (!n.has(Role.LEARNER) || slot < n.protocol.learner().orElseThrow().nextSlot()) {
      print("n" + n.id + " snapshot through " + slot + " not installed: not ahead");
      return;
    }
    // What the messages before the snapshot produced goes first, in order.
    n.carrier.carryOut(n.out);
    saveSnapshot(n, slot);
    print("n" + n.id + " install snapshot through " + slot);
    n.protocol.installSnapshot(slot, n.protocol.membership(), now, n.out);
    n.carrier.write(storage -> storage.compact(slot), true);
  }

  /** Where a scripted node's carrier puts what leaves it: the network, its inbox, the output. */
  private final class NodeEffects implements OutboxCarrier.Effects {
    private final ScriptedNode n;

    NodeEffects(ScriptedNode n) {
      this.n = n;
    }

    @Override
    public void send(int to, Message message) {
      sendPeer(to, message);
      checkDurable(message);
    }

    private void sendPeer(int to, PeerMessage message) {
      network.add(new InFlight(n.id, to, message));
      print("send " + n.id + "->" + to + " " + MessageFormatter.message(message));
    }

    @Override
    public void loopback(Message message) {
      n.inbox.add(new ScriptedNode.Inbound(n.id, message, true));
      print("loopback " + n.id + "->" + n.id + " " + MessageFormatter.message(message));
      checkDurable(message);
    }

    private void checkDurable(Message message) {
      DurabilityCheck.violation(n.id, message, n.storage.load())
          .ifPresent(v -> print(DurabilityCheck.MARK + " n" + n.id + " sent it, but " + v));
    }

    @Override
    public void deliver(List<Outbox.Delivery> deliveries) {
      for (Outbox.Delivery d : deliveries) {
        print("n" + n.id + " deliver " + d.slot() + "=" + MessageFormatter.value(d.value()));
      }
    }

    @Override
    public void settle(Outbox batch) {
      for (int to : batch.snapshotSends()) {
        long slot = snapshotSlot(n);
        print("n" + n.id + " snapshot send to " + to + " through " + slot);
        if (slot > 0) {
          sendPeer(to, new HostMessage.SnapshotChunk(n.id, slot, 0, 0, 0, NO_BYTES));
        }
      }
      for (Outbox.Abandoned a : batch.abandoned()) {
        print(
            "n"
                + n.id
                + " abandoned "
                + MessageFormatter.commands(a.commands())
                + " "
                + a.reason()
                + " hint="
                + a.leaderHint());
      }
      for (Outbox.ReadIndex r : batch.readIndexes()) {
        print(
            "n"
                + n.id
                + " read "
                + MessageFormatter.readId(r.readId())
                + (r.ok() ? " ok index=" + r.readIndex() : " refused")
                + " hint="
                + r.leaderHint());
      }
    }
  }
}
