package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.Value;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Which chosen values {@link FileStorage} may write as a {@code CHOSEN_REF} record: per slot, the
 * last accepted entry written to the current segment and not yet appended as chosen or compacted. A
 * chosen value with the same batch bytes refers to that record instead of holding the payload
 * again; a reference never crosses segments, since the segment holding the record may be deleted
 * before the one holding the reference. The values held are the acceptor's own, which it holds
 * until the same compaction. Not thread-safe; owned by the storage's writing thread.
 */
final class AcceptedInSegment {
  private final HashMap<Long, AcceptedEntry> entries = new HashMap<>();
  private long segment;

  /** {@code entry} was written to segment {@code segmentNumber}. */
  void written(long segmentNumber, AcceptedEntry entry) {
    in(segmentNumber).put(entry.slot(), entry);
  }

  /**
   * {@return the accepted entry of {@code slot} in segment {@code segmentNumber} that {@code
   * chosen} may refer to, or null} The entry is forgotten either way: the slot is chosen.
   */
  AcceptedEntry referable(long segmentNumber, long slot, Value chosen) {
    AcceptedEntry accepted = in(segmentNumber).remove(slot);
    return accepted != null && sameBatch(accepted.value(), chosen) ? accepted : null;
  }

  /** The slots through {@code slot} are compacted: their chosen records are void. */
  void compacted(long slot) {
    entries.keySet().removeIf(s -> s <= slot);
  }

  /** The entries, emptied when a new segment began since they were last used. */
  private HashMap<Long, AcceptedEntry> in(long segmentNumber) {
    if (segment != segmentNumber) {
      entries.clear();
      segment = segmentNumber;
    }
    return entries;
  }

  /**
   * Whether {@code chosen} is a batch of the same bytes as {@code accepted}: the same array when
   * both came from one message, as they do on a node that accepted and learned a slot. A no-op or a
   * membership change is smaller than a reference, or not much larger.
   */
  private static boolean sameBatch(Value accepted, Value chosen) {
    if (!(accepted instanceof Value.Batch a) || !(chosen instanceof Value.Batch c)) {
      return false;
    }
    byte[] x = BatchCodec.bytes(a);
    byte[] y = BatchCodec.bytes(c);
    return x == y || Arrays.equals(x, y);
  }
}
