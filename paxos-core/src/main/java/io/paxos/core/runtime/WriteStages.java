package io.paxos.core.runtime;

import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.WriteStep;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.Value;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times a sample of the writes through this node's write path and reports each {@link WriteStep} to
 * the node's observer ({@link NodeObserver#writeStep}). The sample: every slot whose number is a
 * multiple of {@code every}, the same slots on every node without any coordination, and for the
 * leader's queue ({@link WriteStep#LEADER_QUEUE}) every command whose sequence number is a multiple
 * of it. Each stage a sampled slot passes is stamped with this JVM's {@link System#nanoTime()}, and
 * a step is reported when its last stage is stamped: only differences of this node's own stamps.
 *
 * <p>Off ({@link #off()}, the default) every hook is one branch on a final field and nothing else:
 * no clock read, no allocation, no storage wrapper ({@link TimedStorage} is only put in place when
 * sampling is on).
 *
 * <p>The stamps of a slot live in a ring of {@value #RING} entries, claimed by the stage that tells
 * the slot's role here: {@code batch closed} at the leader, {@code accept received} at a follower.
 * The first stamp of each stage counts (a retransmission is not a new stage). A slot more than
 * {@value #RING} samples behind the newest is forgotten; so is, rarely, a sample whose entry is
 * claimed again while another thread stamps it: a sample may be lost, never reported wrong by more
 * than such a race.
 *
 * <p><b>Threading.</b> Each hook names its thread. The ring is atomic; the storage and apply
 * threads keep their own lists (of slots written since the last sync, of slots applied before their
 * answers).
 */
final class WriteStages {
  static final int RING = 4096;
  private static final int MAX_RECEIVED = 1 << 16;

  // The stages of a slot: the columns of a ring entry.
  private static final int ACCEPT_RECEIVED = 0;
  private static final int BATCH_CLOSED = 1;
  private static final int ACCEPT_SENT = 2;
  private static final int LEADER_ACCEPT = 3;
  private static final int PERSIST_START = 4;
  private static final int FORCE_DONE = 5;
  private static final int LEADER_VOTE = 6;
  private static final int FOLLOWER_VOTE = 7;
  private static final int CHOSEN = 8;
  private static final int APPLIED = 9;
  private static final int REPLY_SENT = 10;
  private static final int ACCEPTED_SENT = 11;
  private static final int STAGES = 12;

  /** A step of a slot: from one stage to another, counted on a node where {@code role} is set. */
  private record Span(WriteStep step, int from, int to, int role) {}

  private static final List<Span> SPANS =
      List.of(
          new Span(WriteStep.ACCEPT_SEND, BATCH_CLOSED, ACCEPT_SENT, BATCH_CLOSED),
          new Span(WriteStep.LEADER_ACCEPT, BATCH_CLOSED, LEADER_ACCEPT, BATCH_CLOSED),
          new Span(WriteStep.LEADER_PERSIST_QUEUE, BATCH_CLOSED, PERSIST_START, BATCH_CLOSED),
          new Span(WriteStep.LEADER_FORCE, PERSIST_START, FORCE_DONE, BATCH_CLOSED),
          new Span(WriteStep.LEADER_VOTE, FORCE_DONE, LEADER_VOTE, BATCH_CLOSED),
          new Span(WriteStep.FOLLOWER_ROUND_TRIP, ACCEPT_SENT, FOLLOWER_VOTE, BATCH_CLOSED),
          new Span(WriteStep.QUORUM, BATCH_CLOSED, CHOSEN, BATCH_CLOSED),
          new Span(WriteStep.APPLY, CHOSEN, APPLIED, BATCH_CLOSED),
          new Span(WriteStep.REPLY, APPLIED, REPLY_SENT, BATCH_CLOSED),
          new Span(WriteStep.LEADER_TOTAL, BATCH_CLOSED, REPLY_SENT, BATCH_CLOSED),
          new Span(
              WriteStep.FOLLOWER_PERSIST_QUEUE, ACCEPT_RECEIVED, PERSIST_START, ACCEPT_RECEIVED),
          new Span(WriteStep.FOLLOWER_FORCE, PERSIST_START, FORCE_DONE, ACCEPT_RECEIVED),
          new Span(WriteStep.FOLLOWER_ACK, FORCE_DONE, ACCEPTED_SENT, ACCEPT_RECEIVED));

  /** The spans that end at each stage. */
  private static final Span[][] ENDING = new Span[STAGES][];

  static {
    for (int stage = 0; stage < STAGES; stage++) {
      final int s = stage;
      ENDING[stage] = SPANS.stream().filter(p -> p.to() == s).toArray(Span[]::new);
    }
  }

  private static final WriteStages OFF = new WriteStages(0, new NodeObserver() {});

  /** A command, by its client and sequence number. */
  private record Key(long clientId, long sequence) {}

  private final boolean on;
  private final long every;
  private final NodeObserver observer;
  private final AtomicLongArray tags; // the slot each entry holds; 0: none
  private final AtomicLongArray times; // RING x STAGES stamps; 0: not reached
  private final ConcurrentHashMap<Key, Long> received; // sampled commands not in a slot yet
  private Message lastAccept; // event loop: the Accept turn() looked at last (sent to many)
  private long[] unsynced = new long[16]; // storage thread: sampled slots written, not synced
  private int unsyncedCount;
  private long[] unanswered = new long[16]; // apply thread: sampled slots applied, not answered
  private int unansweredCount;

  private WriteStages(long every, NodeObserver observer) {
    this.on = every > 0;
    this.every = every;
    this.observer = observer;
    this.tags = on ? new AtomicLongArray(RING) : null;
    this.times = on ? new AtomicLongArray(RING * STAGES) : null;
    this.received = on ? new ConcurrentHashMap<>() : null;
  }

  /** Sampling off: every hook returns at once. */
  static WriteStages off() {
    return OFF;
  }

  /**
   * Sample every {@code every}-th slot and command and report to {@code observer}; 0 is {@link
   * #off()}.
   *
   * @throws IllegalArgumentException if {@code every} is negative
   */
  static WriteStages every(int every, NodeObserver observer) {
    if (every < 0) {
      throw new IllegalArgumentException(
          "write stage sampling must be 0 (off) or every N-th write (N >= 1), was " + every);
    }
    return every == 0 ? OFF : new WriteStages(every, observer);
  }

  boolean on() {
    return on;
  }

  /** Whether {@code slot} is in the sample. */
  boolean sampled(long slot) {
    return on && slot % every == 0;
  }

  // ---- hooks ----

  /** A command made at this node, which leads (the submitting thread). */
  void submitted(long clientId, long sequence) {
    if (on && sequence % every == 0) {
      arrived(clientId, sequence, now());
    }
  }

  /**
   * The event loop took {@code m} from the network: an {@code Accept} at a follower, a follower's
   * {@code Accepted} or a {@code Forward} at the leader.
   */
  void received(PeerMessage m, ProtocolNode protocol) {
    if (on) {
      receivedSampled(m, protocol.isLeader());
    }
  }

  /**
   * The event loop's turn closed with {@code out}, before it is carried out (the leader's batches
   * closed and the chosen slots delivered in it).
   */
  void turn(Outbox out, boolean leads) {
    if (on) {
      turnSampled(out, leads);
    }
  }

  /** The event loop handed {@code m} to the transport, for another node. */
  void sent(Message m) {
    if (on) {
      if (m instanceof Message.Accept a) {
        markRange(a.firstSlot(), a.endSlot(), ACCEPT_SENT);
      } else if (m instanceof Message.Accepted a) {
        markRange(a.firstSlot(), a.firstSlot() + a.count(), ACCEPTED_SENT);
      }
    }
  }

  /** The event loop handed {@code m}, which this node sent itself, back to its protocol. */
  void loopedBack(Message m) {
    if (on) {
      if (m instanceof Message.Accept a) {
        markRange(a.firstSlot(), a.endSlot(), LEADER_ACCEPT);
      } else if (m instanceof Message.Accepted a) {
        markRange(a.firstSlot(), a.firstSlot() + a.count(), LEADER_VOTE);
      }
    }
  }

  /** The storage is being handed the vote for {@code slot} (the storage thread). */
  void persisting(long slot) {
    if (sampled(slot)) {
      mark(slot, PERSIST_START, now());
      if (unsyncedCount == unsynced.length) {
        unsynced = java.util.Arrays.copyOf(unsynced, unsyncedCount * 2);
      }
      unsynced[unsyncedCount++] = slot;
    }
  }

  /** A sync returned: every vote written before it is durable (the storage thread). */
  void synced() {
    forced(startingSync());
  }

  /**
   * A sync starts: the sampled votes written since the last one, which its force covers (the
   * storage thread whose turn it is). Pass them to {@link #forced} when the force returns.
   */
  long[] startingSync() {
    if (unsyncedCount == 0) {
      return NO_SLOTS;
    }
    long[] slots = java.util.Arrays.copyOf(unsynced, unsyncedCount);
    unsyncedCount = 0;
    return slots;
  }

  /** The force covering {@code slots} returned: their votes are durable (any thread). */
  void forced(long[] slots) {
    if (slots.length > 0) {
      long now = now();
      for (long slot : slots) {
        mark(slot, FORCE_DONE, now);
      }
    }
  }

  private static final long[] NO_SLOTS = new long[0];

  /**
   * The apply thread applied {@code slot}; {@code answers} if commands made here were in it, whose
   * futures {@link #replied()} tells are complete.
   */
  void applied(long slot, boolean answers) {
    if (sampled(slot)) {
      mark(slot, APPLIED, now());
      if (answers) {
        if (unansweredCount == unanswered.length) {
          unanswered = java.util.Arrays.copyOf(unanswered, unansweredCount * 2);
        }
        unanswered[unansweredCount++] = slot;
      }
    }
  }

  /** The apply thread completed the futures of the commands it applied so far. */
  void replied() {
    if (unansweredCount > 0) {
      long now = now();
      for (int i = 0; i < unansweredCount; i++) {
        mark(unanswered[i], REPLY_SENT, now);
      }
      unansweredCount = 0;
    }
  }

  // ---- sampled paths ----

  /** {@link #received} when sampling is on; {@code leads}: whether this node leads now. */
  void receivedSampled(PeerMessage m, boolean leads) {
    if (!on) {
      return;
    }
    if (m instanceof Message.Accept a) {
      long now = 0;
      for (long s = firstSampled(a.firstSlot()); s > 0 && s < a.endSlot(); s += every) {
        now = now == 0 ? now() : now;
        claim(s, ACCEPT_RECEIVED, now);
      }
    } else if (m instanceof Message.Accepted a) {
      if (leads) {
        markRange(a.firstSlot(), a.firstSlot() + a.count(), FOLLOWER_VOTE);
      }
    } else if (m instanceof Message.Forward f && leads) {
      long now = 0;
      for (Command c : f.commands()) {
        if (c.sequence() % every == 0) {
          now = now == 0 ? now() : now;
          arrived(c.clientId(), c.sequence(), now);
        }
      }
    }
  }

  private void turnSampled(Outbox out, boolean leads) {
    long now = 0;
    if (leads) {
      for (int i = 0; i < out.sendCount(); i++) {
        if (out.sendMessage(i) instanceof Message.Accept a && a != lastAccept) {
          lastAccept = a;
          for (long s = firstSampled(a.firstSlot()); s > 0 && s < a.endSlot(); s += every) {
            now = now == 0 ? now() : now;
            claim(s, BATCH_CLOSED, now);
          }
          if (!received.isEmpty()) {
            now = batched(a.values(), now);
          }
        }
      }
    }
    List<Outbox.Delivery> deliveries = out.deliveries();
    for (int i = 0; i < deliveries.size(); i++) {
      long slot = deliveries.get(i).slot();
      if (slot % every == 0) {
        now = now == 0 ? now() : now;
        mark(slot, CHOSEN, now);
      }
    }
  }

  /** Report the queue time of the sampled commands that {@code values} took into slots. */
  private long batched(List<Value> values, long now) {
    for (Value v : values) {
      for (Command c : v.commands()) {
        if (c.sequence() % every == 0) {
          Long at = received.remove(new Key(c.clientId(), c.sequence()));
          if (at != null) {
            now = now == 0 ? now() : now;
            observer.writeStep(WriteStep.LEADER_QUEUE, Math.max(0, now - at));
          }
        }
      }
    }
    return now;
  }

  private void arrived(long clientId, long sequence, long now) {
    if (received.size() >= MAX_RECEIVED) {
      received.clear(); // commands that never reached a slot here (refused, or leadership lost)
    }
    received.putIfAbsent(new Key(clientId, sequence), now);
  }

  /** The first sampled slot at or after {@code slot}; negative (none) past Long.MAX_VALUE. */
  private long firstSampled(long slot) {
    long r = slot % every;
    return r == 0 ? slot : slot + (every - r);
  }

  private void markRange(long first, long end, int stage) {
    long now = 0;
    for (long s = firstSampled(first); s > 0 && s < end; s += every) {
      now = now == 0 ? now() : now;
      mark(s, stage, now);
    }
  }

  private int entry(long slot) {
    return (int) ((slot / every) & (RING - 1));
  }

  /**
   * Take {@code slot}'s entry for the role {@code role} tells (a leader's batch, a follower's
   * accept), stamped {@code now}; a slot already held in that role keeps its first stamps.
   */
  private void claim(long slot, int role, long now) {
    int e = entry(slot);
    int base = e * STAGES;
    if (tags.get(e) == slot && times.get(base + role) != 0) {
      return;
    }
    tags.set(e, 0);
    for (int i = 0; i < STAGES; i++) {
      times.set(base + i, 0);
    }
    times.set(base + role, now);
    tags.set(e, slot);
  }

  /** Stamp {@code stage} of {@code slot} if not yet stamped, and report the steps it ends. */
  private void mark(long slot, int stage, long now) {
    int e = entry(slot);
    if (tags.get(e) != slot) {
      return;
    }
    int base = e * STAGES;
    if (!times.compareAndSet(base + stage, 0, now)) {
      return;
    }
    for (Span span : ENDING[stage]) {
      long from = times.get(base + span.from());
      if (from != 0 && times.get(base + span.role()) != 0) {
        observer.writeStep(span.step(), Math.max(0, now - from));
      }
    }
  }

  private static long now() {
    long t = System.nanoTime();
    return t == 0 ? 1 : t;
  }
}
