package io.paxos.examples.oplog;

import io.paxos.core.AppliedCommand;
import io.paxos.examples.kv.KvCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The stable text form of a slot's key-value commands in an oplog line: {@code PUT k v}, {@code DEL
 * k}, {@code GET k}, {@code CAS k expected v} (or {@code CAS-NEW k v} when the key must be absent),
 * {@code SCAN prefix limit} (or {@code SCAN-AFTER prefix after limit}), {@code RAW bytes} for bytes
 * that are not a key-value command; several commands of one slot are joined by {@code "; "}.
 *
 * <p>Every key and value is one token: bytes from {@code !} to {@code ~} stand for themselves
 * except {@code % ; # "}, every other byte (space, newline, non-ASCII) is {@code %XX}, the empty
 * value is {@code ""}; so a line never breaks and holds only printable ASCII. A token whose escaped
 * form is longer than {@value #MAX_TOKEN_CHARS} characters is written as {@code #LENGTH:DIGEST}
 * (the first 24 hex digits of its SHA-256), and a slot's ops longer than {@value #MAX_OPS_CHARS}
 * characters as {@code DIGEST N SHA256}: equal commands give equal text, and lines stay short.
 */
public final class OpText {
  /** The longest key or value written as itself. */
  static final int MAX_TOKEN_CHARS = 96;

  /** The longest ops text of one slot written as itself. */
  static final int MAX_OPS_CHARS = 16 * 1024;

  private OpText() {}

  /** The ops of one slot, as they follow the slot number in its line. */
  public static String slot(List<AppliedCommand> commands) {
    StringBuilder b = new StringBuilder();
    for (AppliedCommand c : commands) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(command(c.command()));
    }
    if (b.length() > MAX_OPS_CHARS) {
      return "DIGEST "
          + commands.size()
          + " "
          + sha256(b.toString().getBytes(StandardCharsets.US_ASCII), 64);
    }
    return b.toString();
  }

  /** One command's text. */
  static String command(byte[] bytes) {
    KvCommand c;
    try {
      c = KvCommand.decode(bytes);
    } catch (IllegalArgumentException notKv) {
      return "RAW " + token(bytes);
    }
    if (c instanceof KvCommand.Put p) {
      return "PUT " + token(p.key()) + " " + token(p.value());
    } else if (c instanceof KvCommand.Delete d) {
      return "DEL " + token(d.key());
    } else if (c instanceof KvCommand.Get g) {
      return "GET " + token(g.key());
    } else if (c instanceof KvCommand.Cas cas) {
      return cas.expected().isPresent()
          ? "CAS " + token(cas.key()) + " " + token(cas.expected().get()) + " " + token(cas.value())
          : "CAS-NEW " + token(cas.key()) + " " + token(cas.value());
    }
    KvCommand.Scan s = (KvCommand.Scan) c;
    return s.after().isPresent()
        ? "SCAN-AFTER " + token(s.prefix()) + " " + token(s.after().get()) + " " + s.limit()
        : "SCAN " + token(s.prefix()) + " " + s.limit();
  }

  static String token(String text) {
    return token(text.getBytes(StandardCharsets.UTF_8));
  }

  static String token(byte[] bytes) {
    if (bytes.length == 0) {
      return "\"\"";
    }
    if (bytes.length > MAX_TOKEN_CHARS) {
      return digest(bytes);
    }
    StringBuilder b = new StringBuilder(bytes.length);
    for (byte x : bytes) {
      int v = x & 0xFF;
      if (v >= '!' && v <= '~' && v != '%' && v != ';' && v != '#' && v != '"') {
        b.append((char) v);
      } else {
        b.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) v));
      }
    }
    return b.length() > MAX_TOKEN_CHARS ? digest(bytes) : b.toString();
  }

  private static String digest(byte[] bytes) {
    return "#" + bytes.length + ":" + sha256(bytes, 24);
  }

  private static String sha256(byte[] bytes, int hexDigits) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(d).substring(0, hexDigits);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
