package io.paxos.examples.line;

import io.paxos.examples.kv.KvCommand;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One request of the line protocol, parsed from the bytes of a datagram or a line.
 *
 * <p>The grammar: {@code PUT key value}, {@code GET key} or {@code DEL key}, the verb in any case,
 * one space between fields, optionally ended by {@code \n} or {@code \r\n}. A key is 1 to {@value
 * KvCommand#MAX_KEY_BYTES} bytes of UTF-8 without spaces; a value is the rest of the line (it may
 * hold spaces, and may be empty). The whole request is UTF-8 text without control characters (a tab
 * in a value is allowed) and at most {@value #MAX_BYTES} bytes, its line end included.
 *
 * <p>Anything else is refused by {@link #parse} with a {@link LineProtocolException} whose message
 * is the text of the {@code ERR} reply: never an other exception, whatever the bytes.
 *
 * @param verb what to do
 * @param key the key
 * @param value the value of a PUT, empty for the others
 */
public record LineRequest(Verb verb, String key, String value) {

  /**
   * The longest request, in bytes with its line end: well within one UDP datagram (65,507 bytes
   * over IPv4), so that a request one byte too long still arrives whole and is refused as such.
   */
  public static final int MAX_BYTES = 32 * 1024;

  /** What a request does. */
  public enum Verb {
    PUT,
    GET,
    DEL
  }

  private static final String USAGE = "send PUT key value, GET key or DEL key";

  public LineRequest {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /**
   * The request in {@code bytes[0..length)}.
   *
   * @throws LineProtocolException if they are not one well-formed request
   */
  public static LineRequest parse(byte[] bytes, int length) {
    Objects.requireNonNull(bytes, "bytes");
    if (length < 0 || length > bytes.length) {
      throw new IllegalArgumentException("length " + length + " outside 0.." + bytes.length);
    }
    if (length == 0) {
      throw new LineProtocolException("empty request; " + USAGE);
    }
    if (length > MAX_BYTES) {
      throw new LineProtocolException(
          "request of " + length + " bytes is over the limit of " + MAX_BYTES + " bytes");
    }
    int end = length;
    if (bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    String text = utf8(bytes, end);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        throw new LineProtocolException(
            "more than one line; send one request per line or datagram");
      }
      if (Character.isISOControl(c) && c != '\t') {
        throw new LineProtocolException(
            String.format("control character U+%04X at character %d; %s", (int) c, i, USAGE));
      }
    }
    int space = text.indexOf(' ');
    String verbText = space < 0 ? text : text.substring(0, space);
    Verb verb = verb(verbText);
    if (space < 0) {
      throw new LineProtocolException(
          verb + (verb == Verb.PUT ? " needs a key and a value" : " needs a key") + "; " + USAGE);
    }
    String rest = text.substring(space + 1);
    if (verb == Verb.PUT) {
      int second = rest.indexOf(' ');
      if (second < 0) {
        throw new LineProtocolException("PUT needs a key and a value; " + USAGE);
      }
      return new LineRequest(verb, key(rest.substring(0, second)), rest.substring(second + 1));
    }
    if (rest.indexOf(' ') >= 0 || rest.indexOf('\t') >= 0) {
      throw new LineProtocolException(verb + " takes one key, without spaces; " + USAGE);
    }
    return new LineRequest(verb, key(rest), "");
  }

  /** The store's command or query for this request. */
  public KvCommand command() {
    try {
      return switch (verb) {
        case PUT -> KvCommand.put(key, value);
        case GET -> KvCommand.get(key);
        case DEL -> KvCommand.delete(key);
      };
    } catch (IllegalArgumentException e) {
      throw new LineProtocolException(e.getMessage());
    }
  }

  private static Verb verb(String text) {
    switch (text.toUpperCase(Locale.ROOT)) {
      case "PUT":
        return Verb.PUT;
      case "GET":
        return Verb.GET;
      case "DEL":
        return Verb.DEL;
      default:
        throw new LineProtocolException("unknown request '" + abbreviate(text) + "'; " + USAGE);
    }
  }

  private static String key(String key) {
    if (key.isEmpty()) {
      throw new LineProtocolException("the key is empty; " + USAGE);
    }
    if (key.indexOf('\t') >= 0) {
      throw new LineProtocolException("the key holds a tab; keys have no blanks");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > KvCommand.MAX_KEY_BYTES) {
      throw new LineProtocolException(
          "the key takes "
              + bytes
              + " bytes of UTF-8, over the limit of "
              + KvCommand.MAX_KEY_BYTES);
    }
    return key;
  }

  private static String utf8(byte[] bytes, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new LineProtocolException("the request is not valid UTF-8 text; " + USAGE);
    }
  }

  /** At most 40 characters of {@code text}, for an error line. */
  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
