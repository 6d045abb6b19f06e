package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How {@code kv} shows a value, which may be any bytes: as text when it is valid UTF-8 that a
 * terminal shows as it is, otherwise as {@code base64:} followed by the value in Base64, so binary
 * values never reach the terminal raw. In JSON a valid UTF-8 value is a string field, and any other
 * value a {@code ...Base64} field. Stateless.
 */
final class ValueText {
  /** Marks a value shown in Base64 in text output. */
  static final String BASE64_MARKER = "base64:";

  private ValueText() {}

  /** The value as text, or {@code base64:...} when it is not printable UTF-8. */
  static String show(byte[] value) {
    Optional<String> text = utf8(value);
    if (text.isPresent() && printable(text.get())) {
      return text.get();
    }
    return BASE64_MARKER + Base64.getEncoder().encodeToString(value);
  }

  /** Put {@code value} into {@code json} as {@code field} (UTF-8) or {@code fieldBase64}. */
  static void put(ObjectNode json, String field, byte[] value) {
    Optional<String> text = utf8(value);
    if (text.isPresent()) {
      json.put(field, text.get());
    } else {
      json.put(field + "Base64", Base64.getEncoder().encodeToString(value));
    }
  }

  /** The value decoded as UTF-8, if it is strictly valid UTF-8. */
  static Optional<String> utf8(byte[] value) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * No control characters (a tab is fine; a newline is not, so that one value is one line) and no
   * {@code base64:} at the start, which would make the output ambiguous.
   */
  private static boolean printable(String s) {
    if (s.startsWith(BASE64_MARKER)) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\t' && (Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
        return false;
      }
    }
    return true;
  }
}
