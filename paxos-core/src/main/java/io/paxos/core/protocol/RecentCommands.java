package io.paxos.core.protocol;

import java.util.Arrays;

/**
 * The ids (origin, client id, sequence) of the last {@code capacity} one-shot commands a proposer
 * took (queued, or handed back unproposed), so that a command that reaches it twice (a {@code
 * Forward} duplicated by the network) is handled once: not chosen in two slots, nor handed back
 * while its first copy may be chosen, nor proposed after it was handed back. The oldest ids are
 * forgotten first. Session commands ({@link Command#inSession()}) are not tracked: a session's
 * retry is sent again on purpose, and the replicated session table applies it once. Not
 * thread-safe.
 *
 * <p>The leader calls {@link #add} for every command it queues, so nothing is allocated there: the
 * ids live in a ring of primitive arrays in arrival order (the oldest is overwritten), indexed by
 * an open-addressing hash table of ring positions (linear probing, backward-shift deletion).
 */
final class RecentCommands {
  private static final int EMPTY = -1;

  private final int[] origins;
  private final long[] clientIds;
  private final long[] sequences;
  private final int[] table;
  private final int mask;
  private int next;
  private int size;

  RecentCommands(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    origins = new int[capacity];
    clientIds = new long[capacity];
    sequences = new long[capacity];
    int tableSize = Integer.highestOneBit(capacity) * 4; // at most half full
    table = new int[tableSize];
    Arrays.fill(table, EMPTY);
    mask = tableSize - 1;
  }

  /** Remember {@code command}; false if it was already remembered (a duplicate). */
  boolean add(Command command) {
    int origin = command.origin();
    long clientId = command.clientId();
    long sequence = command.sequence();
    int i = home(origin, clientId, sequence);
    for (int p = table[i]; p != EMPTY; p = table[i]) {
      if (origins[p] == origin && clientIds[p] == clientId && sequences[p] == sequence) {
        return false;
      }
      i = (i + 1) & mask;
    }
    int position = next;
    if (size == origins.length) {
      forget(position); // the oldest id lives where the new one goes
    } else {
      size++;
    }
    origins[position] = origin;
    clientIds[position] = clientId;
    sequences[position] = sequence;
    insert(position);
    next = (position + 1) % origins.length;
    return true;
  }

  private void insert(int position) {
    int i = home(origins[position], clientIds[position], sequences[position]);
    while (table[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    table[i] = position;
  }

  /** Remove ring position {@code position} from the table. */
  private void forget(int position) {
    int i = home(origins[position], clientIds[position], sequences[position]);
    while (table[i] != position) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // does not lie cyclically in (hole, entry].
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
      int p = table[j];
      int k = home(origins[p], clientIds[p], sequences[p]);
      boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!stays) {
        table[hole] = p;
        hole = j;
      }
    }
    table[hole] = EMPTY;
  }

  private int home(int origin, long clientId, long sequence) {
    long h = clientId * 0x9E3779B97F4A7C15L + sequence * 0xC2B2AE3D27D4EB4FL + origin;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (int) h & mask;
  }
}
