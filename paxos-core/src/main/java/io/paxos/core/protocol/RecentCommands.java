package io.paxos.core.protocol;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids (origin, client id, sequence) of the last {@code capacity} one-shot commands a proposer
 * took (queued, or handed back unproposed), so that a command that reaches it twice (a {@code
 * Forward} duplicated by the network) is handled once: not chosen in two slots, nor handed back
 * while its first copy may be chosen, nor proposed after it was handed back. The oldest ids are
 * forgotten first, but not without a trace: for each client it keeps the highest sequence it
 * forgot, and a command at or below it that is not remembered may be one it forgot ({@link
 * Seen#FORGOTTEN}), so that a late duplicate is never taken for a new command. This relies on a
 * client never reusing a sequence for another one-shot command (the runtime numbers them from 1 per
 * node incarnation with a random client id). Session commands ({@link Command#inSession()}) are not
 * tracked: a session's retry is sent again on purpose, and the replicated session table applies it
 * once. Not thread-safe.
 *
 * <p>The leader calls {@link #add} for every command it queues, so nothing is allocated there and
 * few cache lines are touched: the ids live in a ring (one array, an id's three fields side by
 * side) in arrival order, the oldest overwritten, indexed by an open-addressing hash table of ring
 * positions (linear probing, at most half full, backward-shift deletion) whose slots also hold the
 * id's hash, so that probing and deleting compare hashes and read the ring only for a match.
 */
final class RecentCommands {
  /** What {@link #add} found. */
  enum Seen {
    /** Never seen: now remembered. */
    NEW,
    /** Seen and still remembered: a duplicate. */
    DUPLICATE,
    /**
     * Maybe seen and forgotten since (at or below the highest sequence forgotten for its client).
     */
    FORGOTTEN
  }

  private static final long EMPTY = -1L;
  private static final int FIELDS = 3; // origin, client id, sequence

  /** Clients whose highest forgotten sequence is kept; the oldest client's mark goes first. */
  static final int MAX_MARKED_CLIENTS = 4096;

  private final int capacity;
  private final long[] ring;
  // Each slot: EMPTY, or the ring position in the high 32 bits and the id's hash in the low 32.
  private final long[] table;
  private final int mask;
  private int next;
  private int size;
  private boolean marked;
  private long markedClient;
  private long markedSequence;
  private final Map<Long, Long> forgottenUpTo =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
          return size() > MAX_MARKED_CLIENTS;
        }
      };

  RecentCommands(int capacity) {
    if (capacity < 1 || capacity > 1 << 28) {
      throw new IllegalArgumentException("capacity must be 1 to 2^28, was " + capacity);
    }
    this.capacity = capacity;
    ring = new long[capacity * FIELDS];
    int tableSize = Integer.highestOneBit(capacity) * 4; // at most half full
    table = new long[tableSize];
    Arrays.fill(table, EMPTY);
    mask = tableSize - 1;
  }

  /** Remember {@code command} if it is new; whether it was seen before. */
  Seen add(Command command) {
    int origin = command.origin();
    long clientId = command.clientId();
    long sequence = command.sequence();
    int hash = hash(origin, clientId, sequence);
    for (int i = hash & mask; table[i] != EMPTY; i = (i + 1) & mask) {
      long slot = table[i];
      if ((int) slot == hash) {
        int at = (int) (slot >>> 32) * FIELDS;
        if (ring[at] == origin && ring[at + 1] == clientId && ring[at + 2] == sequence) {
          return Seen.DUPLICATE;
        }
      }
    }
    if (sequence <= forgottenUpTo(clientId)) {
      return Seen.FORGOTTEN;
    }
    int position = next;
    int at = position * FIELDS;
    if (size == capacity) {
      // The oldest id lives where the new one goes.
      forget(position, hash((int) ring[at], ring[at + 1], ring[at + 2]));
      noteForgotten(ring[at + 1], ring[at + 2]);
    } else {
      size++;
    }
    ring[at] = origin;
    ring[at + 1] = clientId;
    ring[at + 2] = sequence;
    int i = hash & mask;
    while (table[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    table[i] = (long) position << 32 | (hash & 0xFFFF_FFFFL);
    next = position + 1 == capacity ? 0 : position + 1;
    return Seen.NEW;
  }

  /** The highest sequence forgotten for {@code clientId}, {@code Long.MIN_VALUE} if none. */
  private long forgottenUpTo(long clientId) {
    if (marked && clientId == markedClient) {
      return markedSequence;
    }
    if (forgottenUpTo.isEmpty()) {
      return Long.MIN_VALUE;
    }
    Long mark = forgottenUpTo.get(clientId);
    return mark == null ? Long.MIN_VALUE : mark;
  }

  /**
   * {@code sequence} of {@code clientId} is forgotten. The client forgotten last is kept in fields
   * (ids are forgotten in arrival order, so mostly one client after another), the others in the
   * map, so a busy proposer allocates nothing here.
   */
  private void noteForgotten(long clientId, long sequence) {
    if (marked && clientId == markedClient) {
      markedSequence = Math.max(markedSequence, sequence);
      return;
    }
    if (marked) {
      forgottenUpTo.merge(markedClient, markedSequence, Math::max);
    }
    Long earlier = forgottenUpTo.remove(clientId);
    markedClient = clientId;
    markedSequence = earlier == null ? sequence : Math.max(earlier, sequence);
    marked = true;
  }

  /** Remove ring position {@code position}, whose id hashes to {@code hash}, from the table. */
  private void forget(int position, int hash) {
    int i = hash & mask;
    while ((int) (table[i] >>> 32) != position) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // does not lie cyclically in (hole, entry].
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
      int k = (int) table[j] & mask;
      boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!stays) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = EMPTY;
  }

  private static int hash(int origin, long clientId, long sequence) {
    long h = clientId * 0x9E3779B97F4A7C15L + sequence * 0xC2B2AE3D27D4EB4FL + origin;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (int) h;
  }
}
