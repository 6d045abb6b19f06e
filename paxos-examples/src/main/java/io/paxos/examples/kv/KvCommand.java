package io.paxos.examples.kv;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

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
 *   CAS    = 0x04 keyLength key expectsValue(0|1) [expectedLength expected] valueLength value
 *   SCAN   = 0x05 prefixLength prefix hasAfter(0|1) [afterLength after] limit
 * </pre>
 *
 * <p>{@code limit} is a varint from 1 to {@value #MAX_SCAN_LIMIT}.
 *
 * <p>so {@code PUT "k" = "v1"} is the six bytes {@code 01 01 6B 02 76 31}. Nothing may follow the
 * last field.
 */
public sealed interface KvCommand
    permits KvCommand.Put, KvCommand.Delete, KvCommand.Get, KvCommand.Cas, KvCommand.Scan {
  int PUT_TAG = 0x01;
  int DELETE_TAG = 0x02;
  int GET_TAG = 0x03;
  int CAS_TAG = 0x04;
  int SCAN_TAG = 0x05;

  /** The longest key, in bytes of UTF-8; a longer one is refused by every command. */
  int MAX_KEY_BYTES = 1024;

  /** The most keys one {@link Scan} returns. */
  int MAX_SCAN_LIMIT = 1000;

  /**
   * The most key and value bytes one {@link Scan} returns: a page stops before the entry that would
   * pass it (but holds at least one entry), and says there is more.
   */
  int MAX_SCAN_BYTES = 1 << 20;

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
    } else if (tag == CAS_TAG) {
      String key = in.utf8("key");
      Optional<byte[]> expected =
          in.flag("expectsValue") ? Optional.of(in.bytes()) : Optional.empty();
      command = new Cas(key, expected, in.bytes());
    } else if (tag == SCAN_TAG) {
      String prefix = in.utf8("prefix");
      Optional<String> after =
          in.flag("hasAfter") ? Optional.of(in.utf8("after")) : Optional.empty();
      command = new Scan(prefix, after, in.count("limit", MAX_SCAN_LIMIT));
    } else {
      throw in.malformed(
          String.format(
              "starts with unknown tag 0x%02X: expected 0x01 (PUT), 0x02 (DELETE), 0x03 (GET),"
                  + " 0x04 (CAS) or 0x05 (SCAN)",
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

  /**
   * Set {@code key} to {@code value} only if it now holds {@code expected} (or, if {@code expected}
   * is empty, holds nothing); the result is a {@link KvResult.CasOutcome}.
   */
  record Cas(String key, Optional<byte[]> expected, byte[] value) implements KvCommand {
    public Cas {
      checkKey(key);
      expected = Objects.requireNonNull(expected, "expected").map(byte[]::clone);
      value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the expected value, if one is expected. */
    @Override
    public Optional<byte[]> expected() {
      return expected.map(byte[]::clone);
    }

    /** A copy of the new value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The values themselves, not copies: for the store. */
    Optional<byte[]> ownedExpected() {
      return expected;
    }

    byte[] ownedValue() {
      return value;
    }

    @Override
    public byte[] encode() {
      byte[] k = Wire.utf8(key, "key");
      int size = 1 + Wire.sizeOf(k.length) + 1 + Wire.sizeOf(value.length);
      size += expected.map(e -> Wire.sizeOf(e.length)).orElse(0);
      Wire.Writer w = new Wire.Writer(size).tag(CAS_TAG).bytes(k).tag(expected.isPresent() ? 1 : 0);
      expected.ifPresent(w::bytes);
      return w.bytes(value).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cas c
          && key.equals(c.key)
          && expected.isPresent() == c.expected.isPresent()
          && (expected.isEmpty() || Arrays.equals(expected.get(), c.expected.get()))
          && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
      return (key.hashCode() * 31 + expected.map(Arrays::hashCode).orElse(-1)) * 31
          + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "CAS "
          + key
          + " from "
          + expected.map(Wire::describe).orElse("(absent)")
          + " to "
          + Wire.describe(value);
    }
  }

  /**
   * List the keys that start with {@code prefix} and come after {@code after} (if given), in
   * ascending order of their UTF-8 bytes (Unicode code point order), at most {@code limit} of them
   * with their values; the result is a {@link KvResult.Entries}. To page through, pass the last key
   * of one page as {@code after} of the next. {@link #key()} is the prefix.
   */
  record Scan(String prefix, Optional<String> after, int limit) implements KvCommand {
    public Scan {
      checkKey(prefix);
      Objects.requireNonNull(after, "after").ifPresent(KvCommand::checkKey);
      if (limit < 1 || limit > MAX_SCAN_LIMIT) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_SCAN_LIMIT + ", was " + limit);
      }
    }

    @Override
    public String key() {
      return prefix;
    }

    @Override
    public byte[] encode() {
      byte[] p = Wire.utf8(prefix, "prefix");
      byte[] a = after.map(k -> Wire.utf8(k, "after")).orElse(null);
      int size = 1 + Wire.sizeOf(p.length) + 1 + (a == null ? 0 : Wire.sizeOf(a.length)) + 5;
      Wire.Writer w = new Wire.Writer(size).tag(SCAN_TAG).bytes(p).tag(a == null ? 0 : 1);
      if (a != null) {
        w.bytes(a);
      }
      return w.varint(limit).toByteArray();
    }

    @Override
    public String toString() {
      return "SCAN " + prefix + "*" + after.map(a -> " after " + a).orElse("") + " limit " + limit;
    }
  }

  static Cas cas(String key, Optional<byte[]> expected, byte[] value) {
    return new Cas(key, expected, value);
  }

  static Scan scan(String prefix, Optional<String> after, int limit) {
    return new Scan(prefix, after, limit);
  }

  /**
   * Refuse a key that is null, not valid Unicode (an unpaired surrogate) or longer than {@value
   * #MAX_KEY_BYTES} bytes of UTF-8.
   */
  static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    Wire.checkUtf8(key, "key");
    if (key.length() > MAX_KEY_BYTES / 3) { // below that, even 3 bytes a char cannot exceed it
      int bytes = Wire.utf8Length(key);
      if (bytes > MAX_KEY_BYTES) {
        throw new IllegalArgumentException(
            "key of " + bytes + " bytes exceeds the limit of " + MAX_KEY_BYTES + " bytes of UTF-8");
      }
    }
  }
}
