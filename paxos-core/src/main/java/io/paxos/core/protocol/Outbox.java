package io.paxos.core.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the protocol asks its host to do after consuming inputs: state to persist, messages to
 * send, values to deliver, commands it could not propose and read indexes it resolved.
 *
 * <p><b>Ordering duty of the host</b> (the durability rule): everything in {@link #promise()},
 * {@link #round()}, {@link #accepted()} and {@link #compaction()} must be durable (synced)
 * <em>before</em> any message in this outbox leaves the node, because a {@code Promise} or {@code
 * Accepted} in it is a vote that must survive a crash, and a {@code Promise} of a compacted
 * acceptor reports from after its compaction point. The compaction is written after the accepted
 * entries ({@link io.paxos.core.storage.Storage#write} does). Messages addressed to this node
 * itself follow the same rule as any other: a vote to itself comes back into the protocol only
 * after the sync, and one that may precede it (a leader's {@code Accept} to its own acceptor) may
 * come back at once. Deliveries need no sync.
 *
 * <p>One exception, which {@link #mayPrecedeSync(int)} names: a message that states nothing about
 * this node's durable state (a leader's {@code Accept}, {@code Commit} or {@code Heartbeat}, a
 * forwarded command, a request) may leave before the sync, so that a leader's own disk write runs
 * in parallel with its followers' instead of before them. A leader need not have its own {@code
 * Accept} durable to send it: its vote counts only when its acceptor's {@code Accepted}, sent after
 * the sync, comes back; and its round was made durable with the {@code Prepare}, in an earlier
 * batch.
 *
 * <p>Not thread-safe: one thread fills it (through the roles) and then drains it; {@link #clear()}
 * makes it ready for the next batch. Lists returned by the accessors are live views owned by the
 * outbox and are invalid after {@link #clear()}.
 */
public final class Outbox {

  /** Why a command was handed back without being proposed. */
  public enum Rejection {
    /** This node does not lead; retry at the leader hint. */
    NOT_LEADER,
    /** The leader's queue is full; retry later. */
    OVERLOADED,
    /**
     * Not handed back as unproposed: the node cannot tell whether it proposed the command (it may
     * have, before it restarted or before it forgot the command). The caller's outcome is unknown,
     * as after a timeout; never report it as "not proposed".
     */
    OUTCOME_UNKNOWN
  }

  /** A chosen value for the host to apply, in slot order. */
  public record Delivery(long slot, Value value) {}

  /** Commands not proposed, with the reason and the node believed to lead (0 if none). */
  public record Abandoned(List<Command> commands, Rejection reason, int leaderHint) {}

  /**
   * The outcome of a read-index request made at this node: if {@code ok}, the read may be served
   * once every slot below {@code readIndex} is applied.
   */
  public record ReadIndex(long readId, boolean ok, long readIndex, int leaderHint) {}

  private int[] sendTo;
  private Message[] sendMessage;
  private int sends;
  private Ballot promise;
  private long round = -1;
  private final List<AcceptedEntry> accepted = new ArrayList<>();
  private long compaction;
  private final List<Delivery> deliveries = new ArrayList<>();
  private final List<Abandoned> abandoned = new ArrayList<>();
  private final List<ReadIndex> readIndexes = new ArrayList<>();
  private final List<Integer> snapshotSends = new ArrayList<>();

  public Outbox() {
    this(64);
  }

  private Outbox(int sendCapacity) {
    sendTo = new int[sendCapacity];
    sendMessage = new Message[sendCapacity];
  }

  /** Queue {@code message} for node {@code to} (which may be this node). */
  public void send(int to, Message message) {
    if (sends == sendTo.length) {
      sendTo = java.util.Arrays.copyOf(sendTo, sends * 2);
      sendMessage = java.util.Arrays.copyOf(sendMessage, sends * 2);
    }
    sendTo[sends] = to;
    sendMessage[sends] = message;
    sends++;
  }

  /** Queue {@code message} for every node in {@code to}. */
  public void send(int[] to, Message message) {
    for (int node : to) {
      send(node, message);
    }
  }

  /** The acceptor promised {@code ballot}: persist it before any message leaves. */
  public void persistPromise(Ballot ballot) {
    promise = ballot;
  }

  /** The proposer used {@code round}: persist it before any message leaves. */
  public void persistRound(long round) {
    this.round = Math.max(this.round, round);
  }

  /** The acceptor accepted {@code entry}: persist it before any message leaves. */
  public void persistAccepted(AcceptedEntry entry) {
    accepted.add(entry);
  }

  /**
   * The acceptor forgot every slot through {@code slot} (all chosen and covered by durable
   * snapshots elsewhere): persist the compaction ({@code Storage.compact}) before any message
   * leaves. Used by an acceptor on a node without a learner; a learner's own snapshot is compacted
   * by its host directly.
   */
  public void persistCompaction(long slot) {
    compaction = Math.max(compaction, slot);
  }

  public void deliver(long slot, Value value) {
    deliveries.add(new Delivery(slot, value));
  }

  public void abandon(List<Command> commands, Rejection reason, int leaderHint) {
    if (!commands.isEmpty()) {
      abandoned.add(new Abandoned(List.copyOf(commands), reason, leaderHint));
    }
  }

  public void readIndex(ReadIndex result) {
    readIndexes.add(result);
  }

  /**
   * Node {@code to} asked for slots this node compacted: the host sends it the first chunk of its
   * newest snapshot (a {@code io.paxos.core.host.HostMessage.SnapshotChunk}, which the protocol
   * never sees).
   */
  public void sendSnapshot(int to) {
    if (!snapshotSends.contains(to)) {
      snapshotSends.add(to);
    }
  }

  /** The nodes to send the newest snapshot to. */
  public List<Integer> snapshotSends() {
    return snapshotSends;
  }

  public int sendCount() {
    return sends;
  }

  public int sendTo(int i) {
    return sendTo[i];
  }

  public Message sendMessage(int i) {
    return sendMessage[i];
  }

  /**
   * Whether message {@code i}, if addressed to another node, may leave before this batch's writes
   * are synced (messages to this node itself are always handed back after the sync): it is not a
   * vote ({@code Promise}, {@code Accepted}, {@code HeartbeatAck}, a report of accepted values) nor
   * a {@code Prepare} of a round this batch persists, and it makes no claim that depends on what
   * this batch writes. Hosts may send it early; every other message waits for the sync.
   */
  public boolean mayPrecedeSync(int i) {
    if (round >= 0) {
      return false; // a new round: its Prepare (and anything else) waits until the round is durable
    }
    Message m = sendMessage[i];
    return m instanceof Message.Accept
        || m instanceof Message.Commit
        || m instanceof Message.Heartbeat
        || m instanceof Message.Forward
        || m instanceof Message.ReadIndexRequest
        || m instanceof Message.CatchUpRequest;
  }

  /** The latest promise to persist, if the acceptor promised in this batch. */
  public java.util.Optional<Ballot> promise() {
    return java.util.Optional.ofNullable(promise);
  }

  /** The highest round to persist, or -1 if the proposer started no new round in this batch. */
  public long round() {
    return round;
  }

  /** Accepted entries to persist, in the order they were accepted. */
  public List<AcceptedEntry> accepted() {
    return accepted;
  }

  /** The slot to persist the acceptor's compaction through, or 0 if it did not compact. */
  public long compaction() {
    return compaction;
  }

  /** Whether anything in this outbox must be synced before its messages leave. */
  public boolean needsSync() {
    return promise != null || round >= 0 || !accepted.isEmpty() || compaction > 0;
  }

  public List<Delivery> deliveries() {
    return deliveries;
  }

  public List<Abandoned> abandoned() {
    return abandoned;
  }

  public List<ReadIndex> readIndexes() {
    return readIndexes;
  }

  public boolean isEmpty() {
    return sends == 0
        && !needsSync()
        && deliveries.isEmpty()
        && abandoned.isEmpty()
        && readIndexes.isEmpty()
        && snapshotSends.isEmpty();
  }

  /**
   * A copy of everything in this outbox, for a host that carries it out after this one is cleared
   * (when the sync it waits for runs on another thread). The copy is not changed afterwards.
   */
  public Outbox copy() {
    Outbox c = new Outbox(Math.max(1, sends));
    System.arraycopy(sendTo, 0, c.sendTo, 0, sends);
    System.arraycopy(sendMessage, 0, c.sendMessage, 0, sends);
    c.sends = sends;
    c.promise = promise;
    c.round = round;
    c.accepted.addAll(accepted);
    c.compaction = compaction;
    c.deliveries.addAll(deliveries);
    c.abandoned.addAll(abandoned);
    c.readIndexes.addAll(readIndexes);
    c.snapshotSends.addAll(snapshotSends);
    return c;
  }

  /** Forget everything, keeping the buffers for the next batch. */
  public void clear() {
    java.util.Arrays.fill(sendMessage, 0, sends, null);
    sends = 0;
    promise = null;
    round = -1;
    accepted.clear();
    compaction = 0;
    deliveries.clear();
    abandoned.clear();
    readIndexes.clear();
    snapshotSends.clear();
  }
}
