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
 * round, the last accepted entry per slot, and the chosen values of slots 1..n without gaps. Only
 * what recovery needs is kept. Not thread-safe.
 */
final class RecoveredState {
  private Ballot promised = Ballot.ZERO;
  private long maxRound;
  private final TreeMap<Long, AcceptedEntry> accepted = new TreeMap<>();
  private final List<Value> chosen = new ArrayList<>();

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
      case RecordFormat.ROUND:
        maxRound = Math.max(maxRound, payload.getLong());
        break;
      case RecordFormat.ACCEPTED:
        long slot = payload.getLong();
        Ballot ballot = new Ballot(payload.getLong(), payload.getInt());
        accepted.put(slot, new AcceptedEntry(slot, ballot, ValueCodec.read(payload)));
        break;
      case RecordFormat.CHOSEN:
        long chosenSlot = payload.getLong();
        if (chosenSlot != chosen.size() + 1L) {
          throw new IllegalArgumentException(
              "chosen slot " + chosenSlot + " out of order; expected " + (chosen.size() + 1L));
        }
        chosen.add(ValueCodec.read(payload));
        break;
      default:
        throw new IllegalArgumentException("unknown record type " + type);
    }
    if (payload.hasRemaining()) {
      throw new IllegalArgumentException(
          payload.remaining() + " bytes left over after a record of type " + type);
    }
  }

  DurableState toDurableState() {
    return new DurableState(promised, List.copyOf(accepted.values()), maxRound, chosen);
  }
}
