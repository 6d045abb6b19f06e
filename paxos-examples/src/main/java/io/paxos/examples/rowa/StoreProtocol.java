package io.paxos.examples.rowa;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The store's request lines and what it answers, one line each:
 *
 * <pre>
 *   PREPARE prev slot count (key value)*  YES slot | COMMITTED slot | NO slot reason
 *   COMMIT slot                           OK slot committed | OK slot already committed | ERR ...
 *   ABORT slot                            OK slot aborted | OK slot not in doubt
 *   READ key                              VALUE committed base64 | NOT_FOUND committed
 *   STATUS                                STATUS committed C in-doubt S|- keys N hash H
 *   PING learner-id                       PONG committed in-doubt|- driver
 *   anything else                         ERR reason
 * </pre>
 *
 * <p>Slots are 1 to 2^63-1 in plain decimal ({@code prev} may be 0), keys and values of a
 * transaction are base64 ({@link Txn#tokens}); the key of {@code READ} is the rest of the line, as
 * UTF-8 text. {@link #answer} never throws on bad input: whatever the bytes, the answer is a line.
 */
final class StoreProtocol {
  /** The longest request line, its line end included: a slot's writes are at most 1 MiB. */
  static final int MAX_LINE_BYTES = 4 << 20;

  /** The longest key {@code READ} takes, in bytes of UTF-8 (the key-value store's limit). */
  static final int MAX_KEY_BYTES = 1024;

  private final RowaStore store;

  StoreProtocol(RowaStore store) {
    this.store = store;
  }

  /** The answer to one request line (its {@code \n} or {@code \r\n} removed or not). */
  String answer(byte[] line) {
    try {
      return answer(text(line));
    } catch (IllegalArgumentException e) {
      return "ERR " + e.getMessage();
    }
  }

  private static String text(byte[] line) {
    int n = line.length;
    if (n > 0 && line[n - 1] == '\n') {
      n--;
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("empty request");
    }
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the request is not UTF-8");
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("control characters in the request");
    }
    return s;
  }

  private String answer(String line) {
    int space = line.indexOf(' ');
    String verb = space < 0 ? line : line.substring(0, space);
    if (verb.equals("READ")) {
      String key = space < 0 ? "" : line.substring(space + 1);
      int bytes = key.getBytes(StandardCharsets.UTF_8).length;
      if (bytes == 0 || bytes > MAX_KEY_BYTES) {
        throw new IllegalArgumentException("READ takes a key of 1 to " + MAX_KEY_BYTES + " bytes");
      }
      return store.read(key);
    }
    String[] parts = line.split(" ", -1);
    switch (verb) {
      case "PREPARE":
        if (parts.length < 4) {
          throw new IllegalArgumentException("PREPARE prev slot count (key value)*");
        }
        return store.prepare(Numbers.nonNegative(parts[1], "prev"), Txn.parse(parts, 2));
      case "COMMIT":
        return store.commit(Numbers.slot(one(parts, "COMMIT slot")));
      case "ABORT":
        return store.abort(Numbers.slot(one(parts, "ABORT slot")));
      case "STATUS":
        if (parts.length != 1) {
          throw new IllegalArgumentException("STATUS takes nothing");
        }
        return store.status();
      case "PING":
        long id = Numbers.nonNegative(one(parts, "PING learner-id"), "learner id");
        if (id < 1 || id > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("learner id must be 1 to " + Integer.MAX_VALUE);
        }
        return store.ping((int) id, System.nanoTime());
      default:
        throw new IllegalArgumentException(
            "unknown request "
                + Numbers.cut(verb)
                + "; use PREPARE, COMMIT, ABORT, READ, STATUS or PING");
    }
  }

  private static String one(String[] parts, String usage) {
    if (parts.length != 2) {
      throw new IllegalArgumentException(usage);
    }
    return parts[1];
  }
}
