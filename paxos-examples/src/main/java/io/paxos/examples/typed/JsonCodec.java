package io.paxos.examples.typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CodecException;
import java.io.IOException;
import java.util.Objects;

/**
 * Java records (or any type Jackson maps) as UTF-8 JSON, through Jackson: a codec for typed
 * commands and results without a schema file. A sealed interface of records, annotated with
 * {@code @JsonTypeInfo} and {@code @JsonSubTypes}, carries a state machine's operations:
 *
 * <pre>{@code
 * @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME)
 * @JsonSubTypes({@Type(Deposit.class), @Type(Withdraw.class), @Type(Balance.class)})
 * sealed interface LedgerRequest {}
 * record Deposit(String account, long amount) implements LedgerRequest {}
 * ...
 * Codec<LedgerRequest> requests = JsonCodec.of(LedgerRequest.class);
 * }</pre>
 *
 * <p><b>Strict decoding.</b> The mapper refuses what a lenient one would guess at, so that bytes
 * that are not exactly an encoding of a value throw {@link CodecException}: unknown properties,
 * trailing tokens after the value, a key given twice, {@code null} for a primitive or as the whole
 * value, numbers that do not fit their field, and input longer than {@link #maxBytes()}. Jackson's
 * own stream limits (nesting depth 1000, strings of 20 M characters) apply on top.
 *
 * <p><b>Determinism.</b> Every replica decodes the same bytes into equal values. Maps are written
 * with sorted keys, so the encoding of a value does not depend on a hash order either.
 *
 * <p>Lives in paxos-examples because that module already depends on Jackson; the library modules do
 * not. A project that uses it copies this class (it is self-contained) or depends on
 * paxos-examples.
 *
 * @param <T> the type read and written
 */
public final class JsonCodec<T> implements Codec<T> {
  private final ObjectMapper mapper;
  private final Class<T> type;
  private final int maxBytes;

  private JsonCodec(ObjectMapper mapper, Class<T> type, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.type = Objects.requireNonNull(type, "type");
    this.maxBytes = maxBytes;
  }

  /** Values of {@code type}, up to {@value Codec#DEFAULT_MAX_BYTES} bytes, with a strict mapper. */
  public static <T> JsonCodec<T> of(Class<T> type) {
    return of(type, DEFAULT_MAX_BYTES);
  }

  /** Values of {@code type}, up to {@code maxBytes} bytes, with a strict mapper. */
  public static <T> JsonCodec<T> of(Class<T> type, int maxBytes) {
    return new JsonCodec<>(strictMapper(), type, maxBytes);
  }

  /**
   * Values of {@code type} through the caller's {@code mapper} (its modules, its naming); the
   * caller answers for its strictness and determinism.
   */
  public static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type, int maxBytes) {
    return new JsonCodec<>(mapper, type, maxBytes);
  }

  /** The mapper {@link #of(Class)} uses: strict on input, sorted map keys on output. */
  public static ObjectMapper strictMapper() {
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    return mapper;
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "json codec (" + type.getName() + "): cannot write the value: " + e.getOriginalMessage(),
          e);
    }
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(
          "json codec ("
              + type.getName()
              + "): the value is "
              + bytes.length
              + " bytes, above the bound of "
              + maxBytes
              + " bytes");
    }
    return bytes;
  }

  @Override
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > maxBytes) {
      throw new CodecException(
          "json codec ("
              + type.getName()
              + "): "
              + bytes.length
              + " bytes exceed the bound of "
              + maxBytes
              + " bytes");
    }
    T value;
    try {
      value = mapper.readValue(bytes, type);
    } catch (JsonProcessingException e) {
      throw new CodecException(
          "json codec ("
              + type.getName()
              + "): not a value of this type: "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) { // not thrown for an array in memory; kept for the signature
      throw new CodecException("json codec (" + type.getName() + "): " + e, e);
    }
    if (value == null) {
      throw new CodecException("json codec (" + type.getName() + "): null is not a value");
    }
    return value;
  }

  @Override
  public int maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "json(" + type.getName() + ", " + maxBytes + ")";
  }
}
