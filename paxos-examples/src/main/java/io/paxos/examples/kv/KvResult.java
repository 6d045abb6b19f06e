package io.paxos.examples.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link KeyValueStore} answers to a {@link KvCommand}: the value found (the current value
 * for {@code GET}, the previous one for {@code PUT}, the removed one for {@code DELETE}), that
 * there was none, or an error for a request it could not carry out (a malformed command, a {@code
 * PUT} sent as a query).
 *
 * <p><b>Encoding</b> ({@link #encode}, {@link #decode}):
 *
 * <pre>
 *   NOT_FOUND = 0x00
 *   FOUND     = 0x01 valueLength value
 *   ERROR     = 0x02 messageLength message (UTF-8)
 *   CAS       = 0x03 swapped(0|1) hadValue(0|1) [previousLength previous]
 *   ENTRIES   = 0x04 more(0|1) count (keyLength key valueLength value)*
 * </pre>
 */
public sealed interface KvResult
    permits KvResult.Found,
        KvResult.NotFound,
        KvResult.Error,
        KvResult.CasOutcome,
        KvResult.Entries {
  int NOT_FOUND_TAG = 0x00;
  int FOUND_TAG = 0x01;
  int ERROR_TAG = 0x02;
  int CAS_TAG = 0x03;
  int ENTRIES_TAG = 0x04;

  /** There was no value. */
  NotFound NOT_FOUND = new NotFound();

  byte[] encode();

  /**
   * Read a result written by {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a well-formed result
   */
  static KvResult decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Wire.Reader in = new Wire.Reader(bytes, "KV result");
    int tag = in.tag();
    KvResult result;
    if (tag == NOT_FOUND_TAG) {
      result = NOT_FOUND;
    } else if (tag == FOUND_TAG) {
      result = new Found(in.bytes());
    } else if (tag == ERROR_TAG) {
      result = new Error(in.utf8("message"));
    } else if (tag == CAS_TAG) {
      boolean swapped = in.flag("swapped");
      result =
          new CasOutcome(swapped, in.flag("hadValue") ? Optional.of(in.bytes()) : Optional.empty());
    } else if (tag == ENTRIES_TAG) {
      boolean more = in.flag("more");
      int count = in.length(); // each entry takes at least 2 bytes: bounded by what follows
      List<Entry> entries = new ArrayList<>(Math.min(count, 1024));
      for (int i = 0; i < count; i++) {
        String key = in.utf8("key");
        entries.add(new Entry(key, in.bytes()));
      }
      result = new Entries(entries, more);
    } else {
      throw in.malformed(
          String.format(
              "starts with unknown tag 0x%02X: expected 0x00 (NOT_FOUND), 0x01 (FOUND), 0x02"
                  + " (ERROR), 0x03 (CAS) or 0x04 (ENTRIES)",
              tag));
    }
    in.end();
    return result;
  }

  /** A value was there. */
  record Found(byte[] value) implements KvResult {
    public Found {
      value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The value as UTF-8 text. */
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode() {
      return encode(value);
    }

    /** The encoding of a {@code Found} of {@code value}, without building one. */
    static byte[] encode(byte[] value) {
      return encode(value, 0, value.length);
    }

    /**
     * The encoding of a {@code Found} of {@code length} bytes of {@code source} from {@code
     * offset}.
     */
    static byte[] encode(byte[] source, int offset, int length) {
      return new Wire.Writer(1 + Wire.sizeOf(length))
          .tag(FOUND_TAG)
          .bytes(source, offset, length)
          .toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Found f && Arrays.equals(value, f.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "FOUND " + Wire.describe(value);
    }
  }

  /** There was no value. */
  record NotFound() implements KvResult {
    @Override
    public byte[] encode() {
      return new byte[] {NOT_FOUND_TAG};
    }

    @Override
    public String toString() {
      return "NOT_FOUND";
    }
  }

  /** The store did not carry out the request; {@code message} says why. */
  record Error(String message) implements KvResult {
    public Error {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public byte[] encode() {
      byte[] m = Wire.utf8(message, "message");
      return new Wire.Writer(1 + Wire.sizeOf(m.length)).tag(ERROR_TAG).bytes(m).toByteArray();
    }

    @Override
    public String toString() {
      return "ERROR " + message;
    }
  }

  /**
   * What a {@link KvCommand.Cas} did: whether it set the new value, and the value the key held
   * before (the one compared: on a failed swap, the current value, to retry from).
   */
  record CasOutcome(boolean swapped, Optional<byte[]> previous) implements KvResult {
    public CasOutcome {
      previous = Objects.requireNonNull(previous, "previous").map(byte[]::clone);
    }

    /** A copy of the previous value, if there was one. */
    @Override
    public Optional<byte[]> previous() {
      return previous.map(byte[]::clone);
    }

    @Override
    public byte[] encode() {
      return encode(swapped, previous.orElse(null), 0, previous.map(p -> p.length).orElse(0));
    }

    /**
     * The encoding of a {@code CasOutcome}, the previous value being {@code length} bytes of {@code
     * source} from {@code offset}, or none if {@code source} is null.
     */
    static byte[] encode(boolean swapped, byte[] source, int offset, int length) {
      Wire.Writer w =
          new Wire.Writer(3 + (source == null ? 0 : Wire.sizeOf(length)))
              .tag(CAS_TAG)
              .tag(swapped ? 1 : 0)
              .tag(source == null ? 0 : 1);
      if (source != null) {
        w.bytes(source, offset, length);
      }
      return w.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CasOutcome c
          && swapped == c.swapped
          && previous.isPresent() == c.previous.isPresent()
          && (previous.isEmpty() || Arrays.equals(previous.get(), c.previous.get()));
    }

    @Override
    public int hashCode() {
      return Boolean.hashCode(swapped) * 31 + previous.map(Arrays::hashCode).orElse(-1);
    }

    @Override
    public String toString() {
      return (swapped ? "SWAPPED" : "NOT_SWAPPED")
          + ", previous "
          + previous.map(Wire::describe).orElse("(absent)");
    }
  }

  /** One key and its value, in an {@link Entries}. */
  record Entry(String key, byte[] value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The value as UTF-8 text. */
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && key.equals(e.key) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return key + " = " + Wire.describe(value);
    }
  }

  /**
   * The answer to a {@link KvCommand.Scan}: entries in ascending key order, and whether more keys
   * match beyond them (ask again with the last key as {@code after}).
   */
  record Entries(List<Entry> entries, boolean more) implements KvResult {
    public Entries {
      entries = List.copyOf(entries);
    }

    @Override
    public byte[] encode() {
      int size = 2 + 5;
      List<byte[]> keys = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        byte[] k = Wire.utf8(e.key(), "key");
        keys.add(k);
        size += Wire.sizeOf(k.length) + Wire.sizeOf(e.value.length);
      }
      Wire.Writer w =
          new Wire.Writer(size).tag(ENTRIES_TAG).tag(more ? 1 : 0).varint(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        w.bytes(keys.get(i)).bytes(entries.get(i).value);
      }
      return w.toByteArray();
    }

    @Override
    public String toString() {
      return entries.size() + " entries" + (more ? " (more)" : "") + " " + entries;
    }
  }
}
