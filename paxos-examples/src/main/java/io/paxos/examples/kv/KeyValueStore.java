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
 * <p><b>Threading</b>: not thread-safe. The node's apply thread makes every call, one at a time
 * (see {@link StateMachine}); a {@link StateMachine.Snapshot} it returns holds its own copy of the
 * entries and may be written on any thread.
 */
public final class KeyValueStore implements StateMachine {
  private static final int MAGIC = 0x4B565331; // "KVS1"
  private static final int SNAPSHOT_BUFFER = 64 * 1024;

  /** Values are never changed once stored, so snapshots share the arrays. */
  private HashMap<String, byte[]> entries = new HashMap<>();

  @Override
  public byte[] apply(byte[] command) {
    if (command.length > 0 && command[0] == KvCommand.PUT_TAG) {
      byte[] result = applyPut(command);
      if (result != null) {
        return result;
      }
    }
    KvCommand c;
    try {
      c = KvCommand.decode(command);
    } catch (IllegalArgumentException e) {
      return new KvResult.Error(e.getMessage()).encode();
    }
    return encodeFound(execute(c));
  }

  /**
   * A well-formed {@code PUT} read straight into the map (the KvCommand encoding: tag, key, value),
   * copying the value once; null if it is malformed, for {@link KvCommand#decode} to explain.
   */
  private byte[] applyPut(byte[] command) {
    Wire.Reader in = new Wire.Reader(command, "KV command");
    try {
      in.tag();
      String key = in.utf8("key"); // valid UTF-8, so a valid key
      byte[] value = in.bytes();
      in.end();
      return encodeFound(entries.put(key, value));
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** The value found: the previous one for a PUT, the removed one for a DELETE; null if none. */
  private byte[] execute(KvCommand command) {
    if (command instanceof KvCommand.Put put) {
      return entries.put(put.key(), put.ownedValue()); // the command was decoded here: no copy
    } else if (command instanceof KvCommand.Delete delete) {
      return entries.remove(delete.key());
    } else {
      return entries.get(command.key());
    }
  }

  private static byte[] encodeFound(byte[] value) {
    return value == null ? KvResult.NOT_FOUND.encode() : KvResult.Found.encode(value);
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
    return encodeFound(execute(c));
  }

  /** Copies the map (not the values, which are never changed): O(entries), no value copied. */
  @Override
  public Snapshot snapshot() {
    HashMap<String, byte[]> copy = new HashMap<>(entries);
    return out -> write(copy, out); // sorted when written, off the apply thread
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
    HashMap<String, byte[]> restored = new HashMap<>();
    String previous = null;
    for (int i = 0; i < count; i++) {
      String key = decodeKey(readBytes(data, "key " + i), i);
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new IOException("corrupt snapshot: key " + i + " is not above the key before it");
      }
      restored.put(key, readBytes(data, "value " + i));
      previous = key;
    }
    long expected = checked.getChecksum().getValue();
    long stored = Integer.toUnsignedLong(data.readInt());
    if (stored != expected) {
      throw new IOException(
          String.format("corrupt snapshot: CRC32C 0x%08X, computed 0x%08X", stored, expected));
    }
    entries = restored;
  }

  /** The number of keys. */
  public int size() {
    return entries.size();
  }

  /** A copy of the value of {@code key}, if it has one. */
  public Optional<byte[]> get(String key) {
    byte[] value = entries.get(key);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  /**
   * A SHA-256 digest (hex) of the whole state, equal on two stores exactly when they hold the same
   * entries: compare it across replicas to detect divergence.
   */
  public String stateHash() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      write(entries, new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the entries in ascending key order, whatever order the map keeps them in. The keys are
   * sorted as an array and the bytes go through one reused buffer, checksummed a buffer at a time:
   * this runs for every snapshot, on a state of any size.
   */
  private static void write(Map<String, byte[]> unordered, OutputStream out) throws IOException {
    String[] keys = unordered.keySet().toArray(new String[0]);
    Arrays.sort(keys);
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(SNAPSHOT_BUFFER);
    buffer.putInt(MAGIC).putInt(keys.length);
    for (String k : keys) {
      byte[] key = k.getBytes(StandardCharsets.UTF_8);
      byte[] value = unordered.get(k);
      putBlock(buffer, key, crc, out);
      putBlock(buffer, value, crc, out);
    }
    drain(buffer, crc, out);
    buffer.putInt((int) crc.getValue());
    out.write(buffer.array(), 0, buffer.position());
    out.flush();
  }

  /** Appends {@code bytes} with its length, draining the buffer into {@code out} when full. */
  private static void putBlock(ByteBuffer buffer, byte[] bytes, CRC32C crc, OutputStream out)
      throws IOException {
    if (buffer.remaining() < Integer.BYTES) {
      drain(buffer, crc, out);
    }
    buffer.putInt(bytes.length);
    int offset = 0;
    while (offset < bytes.length) {
      if (!buffer.hasRemaining()) {
        drain(buffer, crc, out);
      }
      int n = Math.min(buffer.remaining(), bytes.length - offset);
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
    int length = nonNegative(in.readInt(), what + " length");
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException(
          "truncated snapshot: " + what + " has " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
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
