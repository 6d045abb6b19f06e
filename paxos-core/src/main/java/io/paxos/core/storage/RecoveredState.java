package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The durable state rebuilt from the log, one verified record at a time: the highest promise and
 * round, the last accepted entry per slot, the compaction point, and the chosen values of the slots
 * after it without gaps; and, per segment, the highest slot its records name (which tells {@link
 * FileStorage} when a segment holds nothing a later compaction still needs). Only what recovery
 * needs is kept. Not thread-safe.
 */
final class RecoveredState {
  private Ballot promised = Ballot.ZERO;
  private long maxRound;
  private final TreeMap<Long, AcceptedEntry> accepted = new TreeMap<>();
  private final List<Value> chosen = new ArrayList<>();
  private long compactedThrough;
  private final TreeMap<Long, Long> segmentMaxSlot = new TreeMap<>();
  private long segment;
  private boolean headDeleted;
  private boolean chosenSeen;
  private long impliedBase;
  private long highestCompact;

  /**
   * The log's first segments were deleted by a compaction: its chosen records start after the slots
   * that compaction covers (the COMPACT record itself comes later, in a kept segment, and an older
   * COMPACT record may come before them), so the first chosen record read sets where the chosen
   * values start. {@link #missingCompaction()} checks that a COMPACT record covers the slots
   * before.
   */
  void headDeleted() {
    headDeleted = true;
  }

  /** The records applied next come from segment {@code number}. */
  void beginSegment(long number) {
    segment = number;
    segmentMaxSlot.put(number, 0L);
  }

  /**
   * Apply the record of {@code type} whose payload lies between the buffer's position and limit.
   *
   * @throws IllegalArgumentException if the payload does not match its type
   */
  void apply(byte type, ByteBuffer payload) {
    switch (type) {
      case RecordFormat.PROMISE:
        promised = Ballot.max(promised, new Ballot(payload.getLong(), payload.getInt()));
        break;
      case RecordFormat.EPOCH_PROMISE:
        promised =
            Ballot.max(promised, new Ballot(payload.getInt(), payload.getLong(), payload.getInt()));
        break;
      case RecordFormat.ROUND:
        maxRound = Math.max(maxRound, payload.getLong());
        break;
      case RecordFormat.ACCEPTED:
      case RecordFormat.EPOCH_ACCEPTED:
        long slot = payload.getLong();
        int epoch = type == RecordFormat.EPOCH_ACCEPTED ? payload.getInt() : 0;
        Ballot ballot = new Ballot(epoch, payload.getLong(), payload.getInt());
        Value value = ValueCodec.read(payload);
        noteSlot(slot);
        if (slot > compactedThrough) {
          accepted.put(slot, new AcceptedEntry(slot, ballot, value));
        }
        break;
      case RecordFormat.CHOSEN:
      case RecordFormat.CHOSEN_REF:
        long chosenSlot = payload.getLong();
        Value chosenValue =
            type == RecordFormat.CHOSEN ? ValueCodec.read(payload) : referred(chosenSlot, payload);
        noteSlot(chosenSlot);
        if (headDeleted && !chosenSeen && chosenSlot > compactedThrough + chosen.size() + 1L) {
          impliedBase = chosenSlot - 1;
          compact(chosenSlot - 1);
        }
        chosenSeen = true;
        long expected = compactedThrough + chosen.size() + 1L;
        if (chosenSlot > compactedThrough) {
          if (chosenSlot != expected) {
            throw new IllegalArgumentException(
                "chosen slot " + chosenSlot + " out of order; expected " + expected);
          }
          chosen.add(chosenValue);
        }
        break;
      case RecordFormat.COMPACT:
        long through = payload.getLong();
        highestCompact = Math.max(highestCompact, through);
        compact(through);
        break;
      default:
        throw new IllegalArgumentException("unknown record type " + type);
    }
    if (payload.hasRemaining()) {
      throw new IllegalArgumentException(
          payload.remaining() + " bytes left over after a record of type " + type);
    }
  }

  /**
   * The value a CHOSEN_REF record of {@code slot} refers to: that of the accepted entry of the slot
   * at the ballot it names, which its writer wrote before it in the same segment. A slot the log
   * was compacted through needs none (the record is void); any other without it is corruption.
   */
  private Value referred(long slot, ByteBuffer payload) {
    Ballot ballot = new Ballot(payload.getInt(), payload.getLong(), payload.getInt());
    if (slot <= compactedThrough) {
      return Value.NOOP; // void: the record is skipped
    }
    AcceptedEntry entry = accepted.get(slot);
    if (entry == null || !entry.ballot().equals(ballot)) {
      throw new IllegalArgumentException(
          "chosen slot "
              + slot
              + " refers to its accepted value at ballot "
              + ballot
              + ", but the log holds "
              + (entry == null
                  ? "no accepted value of the slot"
                  : "one at ballot " + entry.ballot()));
    }
    return entry.value();
  }

  private void noteSlot(long slot) {
    segmentMaxSlot.merge(segment, slot, Math::max);
  }

  private void compact(long through) {
    if (through <= compactedThrough) {
      return;
    }
    int drop = (int) Math.min(chosen.size(), through - compactedThrough);
    chosen.subList(0, drop).clear();
    accepted.headMap(through, true).clear();
    compactedThrough = through;
  }

  /**
   * If the chosen values of the kept segments start after slots that no COMPACT record covers, a
   * description of the gap (segments were lost, not compacted); otherwise empty.
   */
  java.util.Optional<String> missingCompaction() {
    if (impliedBase > highestCompact) {
      return java.util.Optional.of(
          "the log's chosen values start at slot "
              + (impliedBase + 1)
              + " but no compaction covers the slots before it");
    }
    return java.util.Optional.empty();
  }

  DurableState toDurableState() {
    return new DurableState(
        promised, List.copyOf(accepted.values()), maxRound, chosen, compactedThrough);
  }

  /** The highest slot named by a record of each segment read (0 for none). */
  TreeMap<Long, Long> segmentMaxSlots() {
    return segmentMaxSlot;
  }
}
