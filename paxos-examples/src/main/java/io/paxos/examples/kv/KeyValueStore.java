package io.paxos.examples.kv;

import io.paxos.core.StateHashing;
import io.paxos.core.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A replicated key-value store: string keys, byte values, driven by {@link KvCommand}s and
 * answering with {@link KvResult}s.
 *
 * <ul>
 *   <li>{@link #apply} carries out {@code PUT}, {@code DELETE}, {@code CAS}, and {@code GET} and
 *       {@code SCAN} (reads through the log). A command that cannot be decoded is answered with a
 *       {@link KvResult.Error}, never an exception: the contract of {@link StateMachine} is that an
 *       exception stops the node.
 *   <li>{@link #query} answers {@code GET} and {@code SCAN} from the current state and refuses
 *       anything else. A {@code SCAN} visits every key (O(keys), plus O(log limit) per match): the
 *       table keeps no order, so the page is sorted as it is picked.
 *   <li>Deterministic: the entries live in a hash table for speed, but nothing observable follows
 *       its order: snapshots and {@link #stateHash()} sort the keys first. No clock, no randomness
 *       (the table's hash has fixed constants).
 * </ul>
 *
 * <p><b>Snapshot format</b>: magic {@code "KVS1"}, the entry count, then per entry in ascending key
 * order the key's UTF-8 length and bytes and the value's length and bytes (all lengths 4-byte big
 * endian), then a CRC32C of everything before it. {@link #restore} refuses anything else.
 *
 * <p><b>Layout</b>: a {@link KeyIndex}, an open-addressing table of primitives from each key's
 * UTF-8 bytes (stored once, in the index's own {@link SlabArena}) to the location and length of its
 * value in a second {@link SlabArena}, which copies the value bytes into large shared arrays. A
 * {@code PUT} is looked up by the key bytes in the command itself: no {@code String} is made.
 * Overwriting a value changes primitives and appends to an array: nothing is allocated that lives
 * on and no reference is stored into an old object, which keeps a store with many keys cheap for a
 * generational collector. Overwritten values are reclaimed a slab at a time, by moving the live
 * values out of the slab with the most garbage (see {@link SlabArena}).
 *
 * <p><b>Threading</b>: not thread-safe. The node's apply thread makes every call, one at a time
 * (see {@link StateMachine}); a {@link StateMachine.Snapshot} it returns holds its own copy of the
 * keys and value locations, over arrays the store never overwrites, and may be written on any
 * thread.
 */
public final class KeyValueStore implements StateMachine, StateHashing {
  /** What the internal operations return when nobody reads the result. */
  private static final byte[] NO_RESULT = new byte[0];

  /** The most slabs cleaned after one command (each frees at least a quarter of a slab). */
  private static final int MAX_CLEANINGS = 64;

  private KeyIndex index = new KeyIndex();
  private SlabArena values = new SlabArena();

  @Override
  public byte[] apply(byte[] command) {
    return apply(command, true);
  }

  /** Changes the state as {@link #apply} does, without building the result. */
  @Override
  public void applyWithoutResult(byte[] command) {
    apply(command, false);
  }

  /**
   * Carries out {@code command}; returns its result if {@code answer}, else an empty array. A
   * malformed command changes nothing.
   */
  private byte[] apply(byte[] command, boolean answer) {
    if (command.length > 0 && command[0] == KvCommand.PUT_TAG) {
      byte[] result = applyPut(command, answer);
      if (result != null) {
        return result;
      }
    }
    KvCommand c;
    try {
      c = KvCommand.decode(command);
    } catch (IllegalArgumentException e) {
      return answer ? new KvResult.Error(e.getMessage()).encode() : NO_RESULT;
    }
    return execute(c, answer);
  }

  /**
   * A well-formed {@code PUT} read straight from the command (the KvCommand encoding: tag, key,
   * value), its value copied once, from the command into the arena. Returns the result if {@code
   * answer}, else an empty array; null if the command is malformed (for {@link KvCommand#decode} to
   * explain), having changed nothing.
   */
  private byte[] applyPut(byte[] command, boolean answer) {
    Wire.Reader in = new Wire.Reader(command, "KV command");
    int keyLength;
    int keyOffset;
    int length;
    int offset;
    try {
      in.tag();
      keyLength = in.length();
      keyOffset = in.skip(keyLength);
      length = in.length();
      offset = in.skip(length);
      in.end();
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    if (keyLength > KvCommand.MAX_KEY_BYTES || !Wire.isUtf8(command, keyOffset, keyLength)) {
      return null; // not a valid key
    }
    return put(command, keyOffset, keyLength, command, offset, length, answer);
  }

  /**
   * Sets the key of {@code keyLength} bytes of {@code key} from {@code keyOffset} (valid UTF-8) to
   * {@code length} bytes of {@code source} from {@code offset}; returns the previous value as a
   * result if {@code answer}, else an empty array.
   */
  private byte[] put(
      byte[] key,
      int keyOffset,
      int keyLength,
      byte[] source,
      int offset,
      int length,
      boolean answer) {
    int hash = KeyIndex.hash(key, keyOffset, keyLength);
    int slot = index.find(hash, key, keyOffset, keyLength);
    byte[] result;
    if (slot < 0) {
      long location = values.append(source, offset, length, hash);
      index.insert(slot, hash, key, keyOffset, keyLength, location, length);
      result = answer ? KvResult.NOT_FOUND.encode() : NO_RESULT;
    } else {
      long previous = index.value(slot);
      int previousLength = index.valueLength(slot);
      result = answer ? found(previous, previousLength) : NO_RESULT;
      values.release(previous, previousLength);
      index.setValue(slot, values.append(source, offset, length, hash), length);
    }
    cleanIfWasteful();
    return result;
  }

  /**
   * Carries out a decoded command; returns the value found (the previous one for a PUT, the removed
   * one for a DELETE) as a result if {@code answer}, else an empty array.
   */
  private byte[] execute(KvCommand command, boolean answer) {
    if (!answer && (command instanceof KvCommand.Get || command instanceof KvCommand.Scan)) {
      return NO_RESULT; // a read changes nothing
    }
    if (command instanceof KvCommand.Scan scan) {
      return scan(scan);
    }
    byte[] key = command.key().getBytes(StandardCharsets.UTF_8); // exact: a decoded, valid key
    if (command instanceof KvCommand.Put put) {
      byte[] value = put.ownedValue(); // decoded here: copied only into the arena
      return put(key, 0, key.length, value, 0, value.length, answer);
    }
    if (command instanceof KvCommand.Cas cas) {
      return cas(key, cas, answer);
    }
    int slot = index.find(KeyIndex.hash(key, 0, key.length), key, 0, key.length);
    if (slot < 0) {
      return answer ? KvResult.NOT_FOUND.encode() : NO_RESULT;
    }
    long location = index.value(slot);
    int length = index.valueLength(slot);
    byte[] result = answer ? found(location, length) : NO_RESULT;
    if (command instanceof KvCommand.Delete) {
      index.remove(slot);
      values.release(location, length);
      cleanIfWasteful();
    }
    return result;
  }

  /**
   * Sets the key to the CAS's value if it holds the expected value (or none, if none is expected);
   * returns a {@link KvResult.CasOutcome} with the value it held if {@code answer}.
   */
  private byte[] cas(byte[] key, KvCommand.Cas cas, boolean answer) {
    int slot = index.find(KeyIndex.hash(key, 0, key.length), key, 0, key.length);
    Optional<byte[]> expected = cas.ownedExpected();
    boolean matches;
    byte[] result;
    if (slot < 0) {
      matches = expected.isEmpty();
      result = answer ? KvResult.CasOutcome.encode(matches, null, 0, 0) : NO_RESULT;
    } else {
      long location = index.value(slot);
      int length = index.valueLength(slot);
      byte[] slab = values.slab(location);
      int from = SlabArena.valueOffset(location);
      matches =
          expected.isPresent()
              && Arrays.equals(slab, from, from + length, expected.get(), 0, expected.get().length);
      result = answer ? KvResult.CasOutcome.encode(matches, slab, from, length) : NO_RESULT;
    }
    if (matches) {
      byte[] value = cas.ownedValue();
      put(key, 0, key.length, value, 0, value.length, false);
    }
    return result;
  }

  /** A key picked by a scan, with its value's location. */
  private record Match(byte[] key, long valueLocation, int valueLength)
      implements Comparable<Match> {
    @Override
    public int compareTo(Match o) {
      return Arrays.compareUnsigned(key, o.key);
    }
  }

  /**
   * The first {@code limit} keys (in unsigned byte order of their UTF-8, which is code point order)
   * with the scan's prefix after its {@code after}, with their values, as a {@link
   * KvResult.Entries}: one pass keeping the smallest {@code limit + 1} in a heap.
   */
  private byte[] scan(KvCommand.Scan scan) {
    byte[] prefix = Wire.utf8(scan.prefix(), "prefix");
    byte[] after = scan.after().map(a -> Wire.utf8(a, "after")).orElse(null);
    int keep = scan.limit() + 1; // one more than asked: tells whether there is more
    PriorityQueue<Match> largestFirst = new PriorityQueue<>(keep, (a, b) -> b.compareTo(a));
    index.forEach(
        (slab, offset, length, valueLocation, valueLength) -> {
          if (length < prefix.length
              || !Arrays.equals(slab, offset, offset + prefix.length, prefix, 0, prefix.length)) {
            return;
          }
          if (after != null
              && Arrays.compareUnsigned(slab, offset, offset + length, after, 0, after.length)
                  <= 0) {
            return;
          }
          if (largestFirst.size() == keep) {
            byte[] largest = largestFirst.peek().key();
            if (Arrays.compareUnsigned(slab, offset, offset + length, largest, 0, largest.length)
                >= 0) {
              return;
            }
            largestFirst.poll();
          }
          largestFirst.add(
              new Match(
                  Arrays.copyOfRange(slab, offset, offset + length), valueLocation, valueLength));
        });
    Match[] picked = largestFirst.toArray(new Match[0]);
    Arrays.sort(picked);
    boolean more = picked.length > scan.limit();
    int count = Math.min(picked.length, scan.limit());
    List<KvResult.Entry> entries = new ArrayList<>(count);
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      Match m = picked[i];
      bytes += m.key().length + m.valueLength();
      if (bytes > KvCommand.MAX_SCAN_BYTES && i > 0) {
        more = true;
        break;
      }
      entries.add(
          new KvResult.Entry(
              new String(m.key(), StandardCharsets.UTF_8), values.copy(m.valueLocation())));
    }
    return new KvResult.Entries(entries, more).encode();
  }

  /** The encoding of a {@link KvResult.Found} of the value at {@code location}. */
  private byte[] found(long location, int length) {
    return KvResult.Found.encode(values.slab(location), SlabArena.valueOffset(location), length);
  }

  /** Reclaims overwritten values a slab at a time while they take more than the live ones. */
  private void cleanIfWasteful() {
    for (int i = 0; i < MAX_CLEANINGS && values.wasteful(); i++) {
      if (!values.clean(index.valueOwners())) {
        return;
      }
    }
  }

  /** Answers a {@code GET} or a {@code SCAN}; any other request gets a {@link KvResult.Error}. */
  @Override
  public byte[] query(byte[] query) {
    KvCommand c;
    try {
      c = KvCommand.decode(query);
    } catch (IllegalArgumentException e) {
      return new KvResult.Error(e.getMessage()).encode();
    }
    if (!(c instanceof KvCommand.Get) && !(c instanceof KvCommand.Scan)) {
      return new KvResult.Error(
              c.getClass().getSimpleName().toUpperCase(Locale.ROOT)
                  + " changes the state: submit it as a command, not a query")
          .encode();
    }
    return execute(c, true);
  }

  /**
   * Copies the locations of the keys and of their values into one array, and the slab tables of
   * both arenas: O(entries), no key or value copied. The arenas never overwrite a stored byte, so
   * the snapshot reads the keys and values as they were now, whatever is applied meanwhile.
   */
  @Override
  public Snapshot snapshot() {
    long[] entries = index.entries();
    byte[][] keySlabs = index.keySlabs();
    byte[][] valueSlabs = values.slabs();
    // sorted when written, off the apply thread
    return out -> KvSnapshot.write(entries, keySlabs, valueSlabs, out);
  }

  /**
   * Replaces the whole state with a snapshot written by {@link #snapshot()}. Reads the stream to
   * the end of the snapshot (possibly further, through a buffer). If the snapshot is truncated,
   * corrupt or not a KV snapshot, throws an {@link IOException} and keeps the current state.
   */
  @Override
  public void restore(InputStream in) throws IOException {
    KvSnapshot.Restored restored = KvSnapshot.read(in);
    index = restored.index();
    values = restored.values();
  }

  /** The number of keys. */
  public int size() {
    return index.size();
  }

  /** A copy of the value of {@code key}, if it has one. */
  public Optional<byte[]> get(String key) {
    if (key == null) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Wire.utf8(key, "key");
    } catch (IllegalArgumentException notUnicode) {
      return Optional.empty(); // an unpaired surrogate: never a key
    }
    int slot = index.find(KeyIndex.hash(bytes, 0, bytes.length), bytes, 0, bytes.length);
    return slot < 0 ? Optional.empty() : Optional.of(values.copy(index.value(slot)));
  }

  /** The bytes the arena holds for values, live or garbage: for tests of compaction. */
  long heldBytes() {
    return values.heldBytes();
  }

  /** The bytes of the live values (with a length each): for tests of compaction. */
  long liveBytes() {
    return values.liveBytes();
  }

  /** How many slabs of values were cleaned since the last restore: for tests. */
  long compactions() {
    return values.cleanings();
  }

  /** The value arena: for tests. */
  SlabArena valueArena() {
    return values;
  }

  /** The index of the keys: for tests. */
  KeyIndex keyIndex() {
    return index;
  }

  /**
   * A SHA-256 digest (hex) of the whole state, equal on two stores exactly when they hold the same
   * entries: compare it across replicas to detect divergence. A node reports it in its status.
   */
  @Override
  public String stateHash() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      snapshot().writeTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
