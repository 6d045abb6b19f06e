package io.paxos.examples.kv;

import io.paxos.core.StateMachine;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * A replicated key-value store: string keys, byte values, driven by {@link KvCommand}s and
 * answering with {@link KvResult}s.
 *
 * <ul>
 *   <li>{@link #apply} carries out {@code PUT}, {@code DELETE} and {@code GET} (a read through the
 *       log). A command that cannot be decoded is answered with a {@link KvResult.Error}, never an
 *       exception: the contract of {@link StateMachine} is that an exception stops the node.
 *   <li>{@link #query} answers {@code GET} from the current state and refuses anything else.
 *   <li>Deterministic: the entries live in a hash map for speed, but nothing observable follows its
 *       order: snapshots and {@link #stateHash()} sort the keys first. No clock, no randomness.
 * </ul>
 *
 * <p><b>Snapshot format</b>: magic {@code "KVS1"}, the entry count, then per entry in ascending key
 * order the key's UTF-8 length and bytes and the value's length and bytes (all lengths 4-byte big
 * endian), then a CRC32C of everything before it. {@link #restore} refuses anything else.
 *
 * <p><b>Layout</b>: a hash map from each key to a small {@link ValueRef}, allocated once per key,
 * holding the location of its value in a {@link ValueArena}, which copies the value bytes into
 * large shared arrays. Overwriting a value changes a primitive field and appends to an array:
 * nothing is allocated that lives on and no reference is stored into an old object, which keeps a
 * store with many keys cheap for a generational collector.
 *
 * <p><b>Threading</b>: not thread-safe. The node's apply thread makes every call, one at a time
 * (see {@link StateMachine}); a {@link StateMachine.Snapshot} it returns holds its own copy of the
 * keys and value locations, over arrays the store never overwrites, and may be written on any
 * thread.
 */
public final class KeyValueStore implements StateMachine {
  private static final int MAGIC = 0x4B565331; // "KVS1"
  private static final int SNAPSHOT_BUFFER = 64 * 1024;

  /** What the internal operations return when nobody reads the result. */
  private static final byte[] NO_RESULT = new byte[0];

  private HashMap<String, ValueRef> entries = new HashMap<>();
  private ValueArena values = new ValueArena();

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
    String key;
    int length;
    int offset;
    try {
      in.tag();
      key = in.utf8("key"); // valid UTF-8, so a valid key
      length = in.length();
      offset = in.skip(length);
      in.end();
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    return put(key, command, offset, length, answer);
  }

  /**
   * Sets {@code key} to {@code length} bytes of {@code source} from {@code offset}; returns the
   * previous value as a result if {@code answer}, else an empty array.
   */
  private byte[] put(String key, byte[] source, int offset, int length, boolean answer) {
    ValueRef ref = entries.get(key);
    byte[] result;
    if (ref == null) {
      entries.put(key, new ValueRef(values.append(source, offset, length)));
      result = answer ? KvResult.NOT_FOUND.encode() : NO_RESULT;
    } else {
      long previous = ref.location;
      result = answer ? found(previous) : NO_RESULT;
      values.release(previous);
      ref.location = values.append(source, offset, length); // the only store: a primitive
    }
    compactIfWasteful();
    return result;
  }

  /**
   * Carries out a decoded command; returns the value found (the previous one for a PUT, the removed
   * one for a DELETE) as a result if {@code answer}, else an empty array.
   */
  private byte[] execute(KvCommand command, boolean answer) {
    if (command instanceof KvCommand.Put put) {
      byte[] value = put.ownedValue(); // decoded here: copied only into the arena
      return put(put.key(), value, 0, value.length, answer);
    } else if (command instanceof KvCommand.Delete delete) {
      ValueRef removed = entries.remove(delete.key());
      if (removed == null) {
        return answer ? KvResult.NOT_FOUND.encode() : NO_RESULT;
      }
      byte[] result = answer ? found(removed.location) : NO_RESULT;
      values.release(removed.location);
      compactIfWasteful();
      return result;
    } else if (!answer) {
      return NO_RESULT; // a GET changes nothing
    } else {
      ValueRef ref = entries.get(command.key());
      return ref == null ? KvResult.NOT_FOUND.encode() : found(ref.location);
    }
  }

  /** The encoding of a {@link KvResult.Found} of the value at {@code location}. */
  private byte[] found(long location) {
    return KvResult.Found.encode(
        values.slab(location), ValueArena.valueOffset(location), values.length(location));
  }

  private void compactIfWasteful() {
    if (values.wasteful()) {
      values.compact(entries.values());
    }
  }

  /** Answers a {@code GET}; any other request gets a {@link KvResult.Error}. */
  @Override
  public byte[] query(byte[] query) {
    KvCommand c;
    try {
      c = KvCommand.decode(query);
    } catch (IllegalArgumentException e) {
      return new KvResult.Error(e.getMessage()).encode();
    }
    if (!(c instanceof KvCommand.Get)) {
      return new KvResult.Error(
              c.getClass().getSimpleName().toUpperCase(Locale.ROOT)
                  + " changes the state: submit it as a command, not a query")
          .encode();
    }
    return execute(c, true);
  }

  /**
   * Copies the keys and the locations of their values into two arrays, and the arena's slab table:
   * O(entries), no value copied. The arena never overwrites a stored byte, so the snapshot reads
   * the values as they were now, whatever is applied meanwhile.
   */
  @Override
  public Snapshot snapshot() {
    int n = entries.size();
    String[] keys = new String[n];
    long[] locations = new long[n];
    int i = 0;
    for (Map.Entry<String, ValueRef> e : entries.entrySet()) {
      keys[i] = e.getKey();
      locations[i] = e.getValue().location;
      i++;
    }
    byte[][] slabs = values.slabs();
    return out -> write(keys, locations, slabs, out); // sorted when written, off the apply thread
  }

  /**
   * Replaces the whole state with a snapshot written by {@link #snapshot()}. Reads the stream to
   * the end of the snapshot (possibly further, through a buffer). If the snapshot is truncated,
   * corrupt or not a KV snapshot, throws an {@link IOException} and keeps the current state.
   */
  @Override
  public void restore(InputStream in) throws IOException {
    CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(in), new CRC32C());
    DataInputStream data = new DataInputStream(checked);
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          String.format(
              "not a KeyValueStore snapshot: magic 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    int count = nonNegative(data.readInt(), "entry count");
    HashMap<String, ValueRef> restored = new HashMap<>();
    ValueArena arena = new ValueArena();
    String previous = null;
    for (int i = 0; i < count; i++) {
      String key = decodeKey(readBytes(data, "key " + i), i);
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new IOException("corrupt snapshot: key " + i + " is not above the key before it");
      }
      restored.put(key, new ValueRef(readValue(data, arena, "value " + i)));
      previous = key;
    }
    long expected = checked.getChecksum().getValue();
    long stored = Integer.toUnsignedLong(data.readInt());
    if (stored != expected) {
      throw new IOException(
          String.format("corrupt snapshot: CRC32C 0x%08X, computed 0x%08X", stored, expected));
    }
    entries = restored;
    values = arena;
  }

  /** The number of keys. */
  public int size() {
    return entries.size();
  }

  /** A copy of the value of {@code key}, if it has one. */
  public Optional<byte[]> get(String key) {
    ValueRef ref = entries.get(key);
    return ref == null ? Optional.empty() : Optional.of(values.copy(ref.location));
  }

  /** The bytes the arena holds for values, live or garbage: for tests of compaction. */
  long heldBytes() {
    return values.heldBytes();
  }

  /** The bytes of the live values (with a length each): for tests of compaction. */
  long liveBytes() {
    return values.liveBytes();
  }

  /** How many times the values were compacted since the last restore: for tests. */
  long compactions() {
    return values.compactions();
  }

  /**
   * A SHA-256 digest (hex) of the whole state, equal on two stores exactly when they hold the same
   * entries: compare it across replicas to detect divergence.
   */
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

  /** A key and the location of its value, for sorting. */
  private record Item(String key, long location) {}

  private static final Comparator<Item> BY_KEY = Comparator.comparing(Item::key);

  /**
   * Writes the entries in ascending key order, whatever order the map kept them in. The entries are
   * sorted as an array and the bytes go through one reused buffer, checksummed a buffer at a time:
   * this runs for every snapshot, on a state of any size. A value is stored in its slab as the
   * format has it, length first, so it is copied out in one piece.
   */
  private static void write(String[] keys, long[] locations, byte[][] slabs, OutputStream out)
      throws IOException {
    Item[] items = new Item[keys.length];
    for (int i = 0; i < items.length; i++) {
      items[i] = new Item(keys[i], locations[i]);
    }
    Arrays.sort(items, BY_KEY);
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(SNAPSHOT_BUFFER);
    buffer.putInt(MAGIC).putInt(items.length);
    for (Item item : items) {
      byte[] key = item.key().getBytes(StandardCharsets.UTF_8);
      if (buffer.remaining() < Integer.BYTES) {
        drain(buffer, crc, out);
      }
      buffer.putInt(key.length);
      put(buffer, key, 0, key.length, crc, out);
      byte[] slab = slabs[ValueArena.slabOf(item.location())];
      int offset = ValueArena.offsetOf(item.location());
      int stored = Integer.BYTES + ValueArena.length(slab, offset);
      put(buffer, slab, offset, stored, crc, out);
    }
    drain(buffer, crc, out);
    buffer.putInt((int) crc.getValue());
    out.write(buffer.array(), 0, buffer.position());
    out.flush();
  }

  /**
   * Appends {@code length} bytes of {@code bytes}, draining the buffer into {@code out} when full.
   */
  private static void put(
      ByteBuffer buffer, byte[] bytes, int offset, int length, CRC32C crc, OutputStream out)
      throws IOException {
    int end = offset + length;
    while (offset < end) {
      if (!buffer.hasRemaining()) {
        drain(buffer, crc, out);
      }
      int n = Math.min(buffer.remaining(), end - offset);
      buffer.put(bytes, offset, n);
      offset += n;
    }
  }

  private static void drain(ByteBuffer buffer, CRC32C crc, OutputStream out) throws IOException {
    crc.update(buffer.array(), 0, buffer.position());
    out.write(buffer.array(), 0, buffer.position());
    buffer.clear();
  }

  private static byte[] readBytes(DataInputStream in, String what) throws IOException {
    return readBytes(in, nonNegative(in.readInt(), what + " length"), what);
  }

  /**
   * Reads a value into {@code arena}, straight into a slab unless it gets an array of its own (read
   * first, so that a corrupt length does not allocate more than the stream holds).
   */
  private static long readValue(DataInputStream in, ValueArena arena, String what)
      throws IOException {
    int length = nonNegative(in.readInt(), what + " length");
    if (ValueArena.isLarge(length)) {
      byte[] bytes = readBytes(in, length, what);
      return arena.append(bytes, 0, length);
    }
    long location = arena.reserve(length);
    int n = in.readNBytes(arena.slab(location), ValueArena.valueOffset(location), length);
    if (n != length) {
      throw truncated(what, n, length);
    }
    return location;
  }

  private static byte[] readBytes(DataInputStream in, int length, String what) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw truncated(what, bytes.length, length);
    }
    return bytes;
  }

  private static EOFException truncated(String what, int read, int length) {
    return new EOFException(
        "truncated snapshot: " + what + " has " + read + " of " + length + " bytes");
  }

  private static String decodeKey(byte[] key, int index) throws IOException {
    try {
      return Wire.decodeUtf8(ByteBuffer.wrap(key));
    } catch (CharacterCodingException e) {
      throw new IOException("corrupt snapshot: key " + index + " is not valid UTF-8", e);
    }
  }

  private static int nonNegative(int value, String what) throws IOException {
    if (value < 0) {
      throw new IOException("corrupt snapshot: negative " + what + " " + value);
    }
    return value;
  }
}
