package io.paxos.grpc.typed;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CodecException;
import java.util.Objects;

/**
 * Protobuf messages of one type as their standard binary encoding, for typed commands, queries and
 * results ({@link io.paxos.core.typed.CommandCodecs}). A state machine's commands are usually one
 * message with a {@code oneof} of the operations, and its results another.
 *
 * <pre>{@code
 * CommandCodecs<LedgerRequest, LedgerReply> codecs = CommandCodecs.of(
 *     ProtobufCodec.of(LedgerRequest.getDefaultInstance()),
 *     ProtobufCodec.of(LedgerReply.getDefaultInstance()));
 * }</pre>
 *
 * <p><b>Decoding</b> is protobuf's: unknown fields are kept (so an older replica passes a newer
 * client's fields through unchanged), and bytes that are not a message of this type (a truncated
 * varint, a bad wire type, a length past the end) or are longer than {@link #maxBytes()} throw
 * {@link CodecException}. Nesting deeper than protobuf's default limit (100) is refused too. Note
 * that protobuf accepts many byte strings as some message (the empty array is the default
 * instance): a codec checks the encoding, not the meaning, so a state machine still validates the
 * fields it reads.
 *
 * <p><b>Determinism.</b> Every replica decodes the same bytes into equal messages. Protobuf does
 * not promise one encoding per message (map fields may come out in any order), so compare messages,
 * never their bytes, in a state machine.
 *
 * @param <M> the message type
 */
public final class ProtobufCodec<M extends MessageLite> implements Codec<M> {
  private final Parser<M> parser;
  private final String type;
  private final int maxBytes;

  private ProtobufCodec(Parser<M> parser, String type, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.parser = parser;
    this.type = type;
    this.maxBytes = maxBytes;
  }

  /**
   * {@return a codec of messages of the type of {@code defaultInstance}, up to {@value
   * Codec#DEFAULT_MAX_BYTES} bytes}
   *
   * @param <M> the message type
   * @param defaultInstance the type's default instance ({@code MyMessage.getDefaultInstance()})
   */
  public static <M extends MessageLite> ProtobufCodec<M> of(M defaultInstance) {
    return of(defaultInstance, DEFAULT_MAX_BYTES);
  }

  /**
   * {@return a codec of messages of the type of {@code defaultInstance}, whose encoding is at most
   * {@code maxBytes}}
   *
   * @param <M> the message type
   * @param defaultInstance the type's default instance ({@code MyMessage.getDefaultInstance()})
   * @param maxBytes the largest encoding, in bytes, at least 0
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  public static <M extends MessageLite> ProtobufCodec<M> of(M defaultInstance, int maxBytes) {
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    @SuppressWarnings("unchecked") // a message's parser parses messages of its own type
    Parser<M> parser = (Parser<M>) defaultInstance.getParserForType();
    return new ProtobufCodec<>(parser, defaultInstance.getClass().getName(), maxBytes);
  }

  @Override
  public byte[] encode(M value) {
    Objects.requireNonNull(value, "value");
    int size = value.getSerializedSize();
    if (size > maxBytes) {
      throw new IllegalArgumentException(
          "protobuf codec ("
              + type
              + "): the message is "
              + size
              + " bytes, above the bound of "
              + maxBytes
              + " bytes");
    }
    return value.toByteArray();
  }

  @Override
  public M decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > maxBytes) {
      throw new CodecException(
          "protobuf codec ("
              + type
              + "): "
              + bytes.length
              + " bytes exceed the bound of "
              + maxBytes
              + " bytes");
    }
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new CodecException(
          "protobuf codec (" + type + "): not a message of this type: " + e.getMessage(), e);
    }
  }

  @Override
  public int maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "protobuf(" + type + ", " + maxBytes + ")";
  }
}
