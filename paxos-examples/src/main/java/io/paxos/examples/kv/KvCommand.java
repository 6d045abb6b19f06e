package io.paxos.examples.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A request to the {@link KeyValueStore}: {@link Put} and {@link Delete} change the state and are
 * submitted as commands; {@link Get} reads it, as a query (or as a command, to read through the
 * log). Keys are strings (UTF-8 on the wire), values are bytes.
 *
 * <p><b>Encoding</b> ({@link #encode}, {@link #decode}): one tag byte, then length-prefixed fields,
 * each length an unsigned LEB128 varint:
 *
 * <pre>
 *   PUT    = 0x01 keyLength key valueLength value
 *   DELETE = 0x02 keyLength key
 *   GET    = 0x03 keyLength key
 * </pre>
 *
 * so {@code PUT "k" = "v1"} is the six bytes {@code 01 01 6B 02 76 31}. Nothing may follow the last
 * field.
 */
public sealed interface KvCommand permits KvCommand.Put, KvCommand.Delete, KvCommand.Get {
  int PUT_TAG = 0x01;
  int DELETE_TAG = 0x02;
  int GET_TAG = 0x03;

  /** The key this command is about. */
  String key();

  /** The bytes to submit or query. */
  byte[] encode();

  /**
   * Read a command written by {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a well-formed command: empty, an unknown
   *     tag, a length running past the end, a key that is not UTF-8, or bytes left over
   */
  static KvCommand decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Wire.Reader in = new Wire.Reader(bytes, "KV command");
    int tag = in.tag();
    KvCommand command;
    if (tag == PUT_TAG) {
      String key = in.utf8("key");
      command = new Put(key, in.bytes());
    } else if (tag == DELETE_TAG) {
      command = new Delete(in.utf8("key"));
    } else if (tag == GET_TAG) {
      command = new Get(in.utf8("key"));
    } else {
      throw in.malformed(
          String.format(
              "starts with unknown tag 0x%02X: expected 0x01 (PUT), 0x02 (DELETE) or 0x03 (GET)",
              tag));
    }
    in.end();
    return command;
  }

  static Put put(String key, String value) {
    return new Put(key, Wire.utf8(Objects.requireNonNull(value, "value"), "value"));
  }

  static Put put(String key, byte[] value) {
    return new Put(key, value);
  }

  static Delete delete(String key) {
    return new Delete(key);
  }

  static Get get(String key) {
    return new Get(key);
  }

  /** Set {@code key} to {@code value}; the result is the previous value, if any. */
  record Put(String key, byte[] value) implements KvCommand {
    public Put {
      checkKey(key);
      value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The value itself, not a copy: for a store that takes over a command it decoded. */
    byte[] ownedValue() {
      return value;
    }

    @Override
    public byte[] encode() {
      byte[] k = Wire.utf8(key, "key");
      return new Wire.Writer(1 + Wire.sizeOf(k.length) + Wire.sizeOf(value.length))
          .tag(PUT_TAG)
          .bytes(k)
          .bytes(value)
          .toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Put p && key.equals(p.key) && Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "PUT " + key + " = " + Wire.describe(value);
    }
  }

  /** Remove {@code key}; the result is the removed value, if any. */
  record Delete(String key) implements KvCommand {
    public Delete {
      checkKey(key);
    }

    @Override
    public byte[] encode() {
      byte[] k = Wire.utf8(key, "key");
      return new Wire.Writer(1 + Wire.sizeOf(k.length)).tag(DELETE_TAG).bytes(k).toByteArray();
    }

    @Override
    public String toString() {
      return "DELETE " + key;
    }
  }

  /** Read {@code key}; the result is its value, if any. */
  record Get(String key) implements KvCommand {
    public Get {
      checkKey(key);
    }

    @Override
    public byte[] encode() {
      byte[] k = Wire.utf8(key, "key");
      return new Wire.Writer(1 + Wire.sizeOf(k.length)).tag(GET_TAG).bytes(k).toByteArray();
    }

    @Override
    public String toString() {
      return "GET " + key;
    }
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    Wire.checkUtf8(key, "key");
  }
}
