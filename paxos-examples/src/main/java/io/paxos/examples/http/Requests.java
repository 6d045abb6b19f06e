package io.paxos.examples.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reading what a request carries, refusing anything malformed with a 400 {@link ApiException} that
 * says what to fix: JSON bodies (Jackson), keys in the URL (strict UTF-8), session tokens, limits.
 * Stateless.
 */
final class Requests {
  /** The header that carries the session token, in requests and responses. */
  static final String SESSION_HEADER = "Paxos-Session";

  private Requests() {}

  /** The body as a JSON object. */
  static JsonNode objectBody(Context ctx, ObjectMapper json, String example) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      throw ApiException.badRequest("this request needs a JSON object body, e.g. " + example);
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("unreadable body: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object, e.g. " + example);
    }
    return node;
  }

  /** A string field, if present (and not null). */
  static Optional<String> text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(
          "field '" + field + "' must be a string, was " + v.getNodeType());
    }
    return Optional.of(v.textValue());
  }

  static String requiredText(JsonNode body, String field, String example) {
    return text(body, field)
        .orElseThrow(
            () -> ApiException.badRequest("field '" + field + "' is missing, e.g. " + example));
  }

  /**
   * A value given as {@code field} (text, stored as UTF-8) or {@code field_base64} (bytes), if
   * either is present; both at once is an error.
   */
  static Optional<byte[]> value(JsonNode body, String field) {
    Optional<String> text = text(body, field);
    Optional<String> base64 = text(body, field + "_base64");
    if (text.isPresent() && base64.isPresent()) {
      throw ApiException.badRequest(
          "give either '" + field + "' or '" + field + "_base64', not both");
    }
    if (base64.isPresent()) {
      try {
        return Optional.of(Base64.getDecoder().decode(base64.get()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "field '" + field + "_base64' is not base64: " + e.getMessage());
      }
    }
    return text.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The key in the URL, between {@code prefix} and {@code suffix} of the raw path, percent-decoded
   * and strictly UTF-8 (the router's own decoding would replace bad bytes silently).
   */
  static String pathKey(Context ctx, String prefix, String suffix) {
    String raw = ctx.req().getRequestURI();
    String context = ctx.req().getContextPath();
    if (context != null && raw.startsWith(context)) {
      raw = raw.substring(context.length());
    }
    if (raw.endsWith("/") && raw.length() > prefix.length() + suffix.length()) {
      raw = raw.substring(0, raw.length() - 1);
    }
    if (!raw.startsWith(prefix) || !raw.endsWith(suffix)) {
      throw ApiException.badRequest("expected a path " + prefix + "{key}" + suffix);
    }
    String encoded = raw.substring(prefix.length(), raw.length() - suffix.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(encoded.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw ApiException.badRequest("the key in the URL has a bad percent-escape at " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("the key in the URL is not valid UTF-8 once percent-decoded");
    }
  }

  /**
   * The session token the client sent: header {@value #SESSION_HEADER}, query parameter {@code
   * session}, or the body's {@code session} field; 0 if none.
   */
  static long session(Context ctx, JsonNode body) {
    String header = ctx.header(SESSION_HEADER);
    String param = ctx.queryParam("session");
    String field = null;
    if (body != null && body.hasNonNull("session")) {
      JsonNode s = body.get("session");
      if (!s.isIntegralNumber() && !s.isTextual()) {
        throw ApiException.badRequest(
            "field 'session' must be a slot number, was " + s.getNodeType());
      }
      field = s.asText();
    }
    long token = 0;
    for (String given : new String[] {header, param, field}) {
      if (given != null && !given.isEmpty()) {
        token = Math.max(token, slot(given));
      }
    }
    return token;
  }

  private static long slot(String s) {
    try {
      long slot = Long.parseLong(s.trim());
      if (slot >= 0) {
        return slot;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ApiException(
        400,
        "session token '"
            + s
            + "' is not a slot number: give the "
            + SESSION_HEADER
            + " value of an earlier response (0 to "
            + Long.MAX_VALUE
            + ")",
        Map.of());
  }

  /** A positive int query parameter at most {@code max}, or {@code fallback} if absent. */
  static int limit(Context ctx, String name, int fallback, int max) {
    String given = ctx.queryParam(name);
    if (given == null || given.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(given.trim());
      if (v >= 1 && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.badRequest(
        "'" + name + "' must be a whole number between 1 and " + max + ", was '" + given + "'");
  }
}
