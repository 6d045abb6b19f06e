package io.paxos.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response the API is about to write: a status, a JSON body, and the session token (the slot the
 * client has now seen; negative: none). The body is built by one thread, then handed over.
 */
final class Reply {
  final int status;
  final Map<String, Object> body = new LinkedHashMap<>();
  long session = -1;

  Reply(int status) {
    this.status = status;
  }

  Reply putAll(Map<String, Object> fields) {
    body.putAll(fields);
    return this;
  }

  Reply put(String field, Object value) {
    body.put(field, value);
    return this;
  }

  /**
   * Put a stored value as {@code field} (its text, if it is valid UTF-8) or {@code field_base64};
   * null if absent.
   */
  Reply value(String field, byte[] value) {
    putValue(body, field, value);
    return this;
  }

  Reply session(long slot) {
    this.session = slot;
    body.put("session", slot);
    return this;
  }

  static void putValue(Map<String, Object> body, String field, byte[] value) {
    if (value == null) {
      body.put(field, null);
    } else if (isUtf8(value)) {
      body.put(field, new String(value, StandardCharsets.UTF_8));
    } else {
      body.put(field + "_base64", Base64.getEncoder().encodeToString(value));
    }
  }

  private static boolean isUtf8(byte[] value) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** The reply for an error. */
  static Reply of(ApiException e) {
    Reply r = new Reply(e.status());
    r.body.put("error", e.getMessage());
    r.body.putAll(e.details());
    return r;
  }
}
