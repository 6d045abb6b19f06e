package io.paxos.examples.rowa;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.examples.kv.KvChange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One transaction of the stores: the key changes of one chosen Paxos slot, which is its id. Every
 * learner derives the same transaction for a slot (the same commands applied in the same order give
 * the same changes), so two transactions with the same slot and the same writes are the same
 * transaction, whichever learner sent it.
 *
 * <p>On the wire ({@link #tokens}): {@code <slot> <count> (<key> <value>)*}, the key as base64 of
 * its UTF-8, the value as base64 of its bytes or {@code -} for a deletion. Only ASCII without
 * blanks, so a transaction is one line of the store protocol and one line of a store's log.
 *
 * @param slot the Paxos slot that chose the writes, at least 1
 * @param writes the key changes, in the order the learner applied them (at least one)
 */
record Txn(long slot, List<Write> writes) {
  /** The most writes one transaction holds: a slot holds at most 4096 commands by default. */
  static final int MAX_WRITES = 1 << 16;

  Txn {
    if (slot < 1) {
      throw new IllegalArgumentException("slot must be at least 1, was " + slot);
    }
    writes = List.copyOf(writes);
    if (writes.isEmpty()) {
      throw new IllegalArgumentException("slot " + slot + " writes nothing");
    }
  }

  /**
   * One key change: the key set to {@code value}, or deleted if it is empty.
   *
   * @param key the key
   * @param value the new value, or empty for a deletion
   */
  record Write(String key, Optional<byte[]> value) {
    Write {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Write w
          && w.key.equals(key)
          && w.value.isPresent() == value.isPresent()
          && (value.isEmpty() || Arrays.equals(w.value.get(), value.get()));
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + value.map(Arrays::hashCode).orElse(0);
    }
  }

  /** The transaction of {@code slot}: its key changes, or empty if it changed no key. */
  static Optional<Txn> of(AppliedSlot slot) {
    List<Write> writes = new ArrayList<>();
    for (AppliedCommand a : slot.commands()) {
      KvChange.of(slot.slot(), a.command(), a.result())
          .ifPresent(c -> writes.add(new Write(c.key(), c.value())));
    }
    return writes.isEmpty() ? Optional.empty() : Optional.of(new Txn(slot.slot(), writes));
  }

  /** {@code <slot> <count> (<key> <value>)*}: how it is sent and logged. */
  String tokens() {
    StringBuilder b = new StringBuilder();
    b.append(slot).append(' ').append(writes.size());
    Base64.Encoder base64 = Base64.getEncoder();
    for (Write w : writes) {
      b.append(' ').append(base64.encodeToString(w.key().getBytes(StandardCharsets.UTF_8)));
      b.append(' ').append(w.value().map(base64::encodeToString).orElse("-"));
    }
    return b.toString();
  }

  /**
   * Read {@link #tokens} from {@code parts[from]} on, which must be all that is left.
   *
   * @throws IllegalArgumentException with a message for an ERR line if they are not a transaction
   */
  static Txn parse(String[] parts, int from) {
    if (parts.length - from < 2) {
      throw new IllegalArgumentException("a transaction needs a slot and a count of writes");
    }
    long slot = Numbers.slot(parts[from]);
    long count = Numbers.nonNegative(parts[from + 1], "count");
    if (count < 1 || count > MAX_WRITES) {
      throw new IllegalArgumentException(
          "a transaction holds 1 to " + MAX_WRITES + " writes, not " + parts[from + 1]);
    }
    if (parts.length - from - 2 != 2 * count) {
      throw new IllegalArgumentException(
          count + " writes need " + 2 * count + " fields, not " + (parts.length - from - 2));
    }
    Base64.Decoder base64 = Base64.getDecoder();
    List<Write> writes = new ArrayList<>((int) count);
    for (int i = from + 2; i < parts.length; i += 2) {
      String key;
      byte[] keyBytes;
      try {
        keyBytes = base64.decode(parts[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a key is not base64: " + Numbers.cut(parts[i]));
      }
      try {
        key =
            StandardCharsets.UTF_8
                .newDecoder()
                .decode(java.nio.ByteBuffer.wrap(keyBytes))
                .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IllegalArgumentException("a key is not UTF-8");
      }
      if (key.isEmpty()) {
        throw new IllegalArgumentException("a key is empty");
      }
      Optional<byte[]> value;
      if (parts[i + 1].equals("-")) {
        value = Optional.empty();
      } else {
        try {
          value = Optional.of(base64.decode(parts[i + 1]));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "a value is not base64 or -: " + Numbers.cut(parts[i + 1]));
        }
      }
      writes.add(new Write(key, value));
    }
    return new Txn(slot, writes);
  }

  /** SHA-256 of {@link #tokens}, 16 hex digits: what a learner and a store compare. */
  String digest() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(tokens().getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
