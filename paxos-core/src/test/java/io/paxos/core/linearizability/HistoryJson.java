package io.paxos.core.linearizability;

import io.paxos.core.linearizability.HistoryEvent.Fn;
import io.paxos.core.linearizability.HistoryEvent.Type;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One history event as one flat JSON object, written and parsed by hand: the objects hold only
 * strings, integers and nulls, so a hundred lines of code spare paxos-core's test-jar a JSON
 * library that every module using the checker would have to add.
 *
 * <p>Writes {@code process}, {@code type}, {@code f}, {@code key}, then {@code value} (for {@code
 * put} and {@code cas}, and the result of a {@code get}'s {@code ok}; {@code null} for an absent
 * key), {@code expected} (for {@code cas}; {@code null} for "must be absent") and {@code time_ns}.
 * Reads those fields in any order, a missing {@code value} or {@code expected} as {@code null}, and
 * ignores other fields holding a string, number, boolean or null. Stateless; thread-safe.
 */
public final class HistoryJson {
  private static final Object NULL = new Object();

  private HistoryJson() {}

  /** {@code event} as one line of JSON, without the line break. */
  public static String write(HistoryEvent event) {
    StringBuilder out = new StringBuilder(96);
    out.append("{\"process\":").append(event.process());
    out.append(",\"type\":\"").append(event.type().json()).append('"');
    out.append(",\"f\":\"").append(event.f().json()).append('"');
    out.append(",\"key\":");
    quote(event.key(), out);
    boolean readResult = event.f() == Fn.GET && event.type() == Type.OK;
    if (event.f() == Fn.PUT || event.f() == Fn.CAS || readResult) {
      out.append(",\"value\":");
      optional(event.value(), out);
    }
    if (event.f() == Fn.CAS) {
      out.append(",\"expected\":");
      optional(event.expected(), out);
    }
    out.append(",\"time_ns\":").append(event.timeNs()).append('}');
    return out.toString();
  }

  /**
   * Parses one line written by {@link #write} or by another tool in the same format.
   *
   * @throws IllegalArgumentException saying what is wrong, if the line is not such an event
   */
  public static HistoryEvent read(String line) {
    Map<String, Object> fields = new Parser(line).object();
    long process = integer(fields, "process");
    Type type = name(Type.class, fields, "type");
    Fn f = name(Fn.class, fields, "f");
    Object key = fields.get("key");
    if (!(key instanceof String)) {
      throw new IllegalArgumentException("\"key\" must be a string");
    }
    Optional<String> value = optionalString(fields, "value");
    Optional<String> expected = optionalString(fields, "expected");
    return new HistoryEvent(
        process, type, f, (String) key, value, expected, integer(fields, "time_ns"));
  }

  /** {@code s} as a JSON string literal, for messages and the writer. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    quote(s, out);
    return out.toString();
  }

  private static void optional(Optional<String> s, StringBuilder out) {
    if (s.isPresent()) {
      quote(s.get(), out);
    } else {
      out.append("null");
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Control characters must be escaped; surrogates are, so that a lone one survives UTF-8.
          if (c < 0x20 || Character.isSurrogate(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static long integer(Map<String, Object> fields, String name) {
    Object v = fields.get(name);
    if (!(v instanceof BigDecimal number)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an integer");
    }
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "\"" + name + "\" must be an integer in the range of a signed 64-bit long");
    }
  }

  private static <E extends Enum<E>> E name(Class<E> type, Map<String, Object> fields, String n) {
    Object v = fields.get(n);
    if (v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT))) {
      for (E e : type.getEnumConstants()) {
        if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
          return e;
        }
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("\"" + n + "\" must be one of " + allowed);
  }

  private static Optional<String> optionalString(Map<String, Object> fields, String name) {
    Object v = fields.get(name);
    if (v == null || v == NULL) {
      return Optional.empty();
    }
    if (v instanceof String s) {
      return Optional.of(s);
    }
    throw new IllegalArgumentException("\"" + name + "\" must be a string or null");
  }

  /** A parser of one flat JSON object whose values are scalars. Not thread-safe. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Map<String, Object> object() {
      Map<String, Object> fields = new HashMap<>();
      space();
      expect('{');
      space();
      if (peek() == '}') {
        i++;
      } else {
        while (true) {
          space();
          String name = string();
          space();
          expect(':');
          space();
          if (fields.put(name, scalar()) != null) {
            throw error("field \"" + name + "\" appears twice");
          }
          space();
          char c = next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            throw error("expected ',' or '}'");
          }
        }
      }
      space();
      if (i != s.length()) {
        throw error("unexpected characters after the object");
      }
      return fields;
    }

    private Object scalar() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        return number();
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return NULL;
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (c == '{' || c == '[') {
        throw error("nested objects and arrays are not part of the history format");
      }
      throw error("expected a value");
    }

    private BigDecimal number() {
      int start = i;
      if (peek() == '-') {
        i++;
      }
      if (peek() == '0') {
        i++;
      } else {
        digits();
      }
      if (peek() == '.') {
        i++;
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        i++;
        if (peek() == '+' || peek() == '-') {
          i++;
        }
        digits();
      }
      String token = s.substring(start, i);
      if (token.length() > 40) {
        throw error("number too long");
      }
      return new BigDecimal(token);
    }

    private void digits() {
      int start = i;
      while (peek() >= '0' && peek() <= '9') {
        i++;
      }
      if (i == start) {
        throw error("expected a digit");
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("truncated \\u escape");
            }
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int digit = Character.digit(s.charAt(i++), 16);
              if (digit < 0) {
                throw error("bad \\u escape");
              }
              code = code * 16 + digit;
            }
            out.append((char) code);
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private void space() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
      if (i >= s.length()) {
        throw error("unexpected end of line");
      }
      return s.charAt(i++);
    }

    private void expect(char c) {
      if (peek() != c || i >= s.length()) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at column " + (i + 1));
    }
  }
}
