package io.paxos.core.typed;

/**
 * Bytes that are not an encoding of a value of a {@link Codec}: malformed, truncated, or larger
 * than the codec's bound. The message names the codec and what is wrong, never the bytes themselves
 * (they may be large or private).
 *
 * <p>Where it surfaces: decoding a command or query inside the state machine adapter (a query fails
 * its read; a command stops the node, as any exception from {@code apply} does, because every
 * replica fails on the same bytes), or decoding a result, which completes the caller's typed future
 * exceptionally.
 */
public class CodecException extends IllegalArgumentException {
  /** A failure described by {@code message}, which names the codec. */
  /**
   * Creates the exception.
   *
   * @param message what could not be decoded, and why
   */
  public CodecException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, found by the parser that threw {@code cause}. */
  /**
   * Creates the exception.
   *
   * @param message what could not be decoded, and why
   * @param cause what the decoder threw
   */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The bytes are longer than the codec reads. */
  static CodecException tooLarge(String codec, int length, int maxBytes) {
    return new CodecException(
        codec + ": " + length + " bytes exceed the bound of " + maxBytes + " bytes");
  }
}
