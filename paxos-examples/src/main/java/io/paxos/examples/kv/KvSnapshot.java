package io.paxos.examples.kv;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * Writes and reads the snapshot format of {@link KeyValueStore} (described there): magic, entry
 * count, the entries in ascending {@link String#compareTo} order of their keys, a CRC32C.
 */
final class KvSnapshot {
  private static final int MAGIC = 0x4B565331; // "KVS1"
  private static final int SNAPSHOT_BUFFER = 64 * 1024;

  private KvSnapshot() {}

  /** The state read from a snapshot. */
  record Restored(KeyIndex index, SlabArena values) {}

  /**
   * Reads a snapshot written by {@link #write} into a fresh index and value arena. Reads the stream
   * to the end of the snapshot (possibly further, through a buffer). If the snapshot is truncated,
   * corrupt or not a KV snapshot, throws an {@link IOException}.
   */
  static Restored read(InputStream in) throws IOException {
    CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(in), new CRC32C());
    DataInputStream data = new DataInputStream(checked);
    int magic = data.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          String.format(
              "not a KeyValueStore snapshot: magic 0x%08X, expected 0x%08X", magic, MAGIC));
    }
    int count = nonNegative(data.readInt(), "entry count");
    KeyIndex restored = new KeyIndex();
    SlabArena arena = new SlabArena();
    String previous = null;
    for (int i = 0; i < count; i++) {
      byte[] keyBytes = readBytes(data, "key " + i);
      String key = decodeKey(keyBytes, i);
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new IOException("corrupt snapshot: key " + i + " is not above the key before it");
      }
      int hash = KeyIndex.hash(keyBytes, 0, keyBytes.length);
      int absent = restored.find(hash, keyBytes, 0, keyBytes.length); // absent: keys ascend
      long location = readValue(data, arena, hash, "value " + i);
      restored.insert(absent, hash, keyBytes, 0, keyBytes.length, location, arena.length(location));
      previous = key;
    }
    long expected = checked.getChecksum().getValue();
    long stored = Integer.toUnsignedLong(data.readInt());
    if (stored != expected) {
      throw new IOException(
          String.format("corrupt snapshot: CRC32C 0x%08X, computed 0x%08X", stored, expected));
    }
    return new Restored(restored, arena);
  }

  /** A key, the location of its bytes and the location of its value, for sorting. */
  private record Item(String key, long keyLocation, long valueLocation) {}

  private static final Comparator<Item> BY_KEY = Comparator.comparing(Item::key);

  /**
   * Writes the entries in ascending key order ({@link String#compareTo}), whatever order the index
   * kept them in. The entries are sorted as an array and the bytes go through one reused buffer,
   * checksummed a buffer at a time: this runs for every snapshot, on a state of any size. A key and
   * a value are each stored in their slab as the format has them, length first, so each is copied
   * out in one piece.
   */
  static void write(long[] entries, byte[][] keySlabs, byte[][] valueSlabs, OutputStream out)
      throws IOException {
    Item[] items = new Item[entries.length / 2];
    for (int i = 0; i < items.length; i++) {
      long keyLocation = entries[2 * i];
      byte[] slab = keySlabs[SlabArena.slabOf(keyLocation)];
      int offset = SlabArena.offsetOf(keyLocation);
      String key =
          new String( // exact: only valid UTF-8 is stored as a key
              slab, offset + Integer.BYTES, SlabArena.length(slab, offset), StandardCharsets.UTF_8);
      items[i] = new Item(key, keyLocation, entries[2 * i + 1]);
    }
    Arrays.sort(items, BY_KEY);
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = ByteBuffer.allocate(SNAPSHOT_BUFFER);
    buffer.putInt(MAGIC).putInt(items.length);
    for (Item item : items) {
      putStored(buffer, keySlabs, item.keyLocation(), crc, out);
      putStored(buffer, valueSlabs, item.valueLocation(), crc, out);
    }
    drain(buffer, crc, out);
    buffer.putInt((int) crc.getValue());
    out.write(buffer.array(), 0, buffer.position());
    out.flush();
  }

  /** Appends the length and bytes stored at {@code location} of {@code slabs}. */
  private static void putStored(
      ByteBuffer buffer, byte[][] slabs, long location, CRC32C crc, OutputStream out)
      throws IOException {
    byte[] slab = slabs[SlabArena.slabOf(location)];
    int offset = SlabArena.offsetOf(location);
    put(buffer, slab, offset, Integer.BYTES + SlabArena.length(slab, offset), crc, out);
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
  private static long readValue(DataInputStream in, SlabArena arena, int hash, String what)
      throws IOException {
    int length = nonNegative(in.readInt(), what + " length");
    if (SlabArena.isLarge(length)) {
      byte[] bytes = readBytes(in, length, what);
      return arena.append(bytes, 0, length, hash);
    }
    long location = arena.reserve(length, hash);
    int n = in.readNBytes(arena.slab(location), SlabArena.valueOffset(location), length);
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
