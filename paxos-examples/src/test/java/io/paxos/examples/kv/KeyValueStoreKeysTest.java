package io.paxos.examples.kv;

import static io.paxos.examples.kv.SnapshotBytes.write;
import static io.paxos.examples.kv.SnapshotBytes.writeInt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Keys looked up by their bytes: what is refused as a key, what is found, and the order and bytes
 * of a snapshot, which must not follow the byte order of UTF-8 but {@link String#compareTo}.
 */
class KeyValueStoreKeysTest {
  private final KeyValueStore store = new KeyValueStore();

  @Test
  void putsWhoseKeyIsNotValidUtf8AreRefusedAndChangeNothing() {
    store.apply(KvCommand.put("a", "1").encode());
    String before = store.stateHash();
    byte[][] keys = {
      {(byte) 0xFF}, // never in UTF-8
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL
      {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/'
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate (U+D800)
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {'a', (byte) 0xE2, (byte) 0x82}, // truncated
      {(byte) 0x80}, // a lone continuation byte
    };
    for (byte[] key : keys) {
      byte[] command = new byte[1 + 1 + key.length + 2];
      command[0] = KvCommand.PUT_TAG;
      command[1] = (byte) key.length;
      System.arraycopy(key, 0, command, 2, key.length);
      command[2 + key.length] = 1;
      command[3 + key.length] = 'v';
      KvResult result = KvResult.decode(store.apply(command));
      assertThat(result).isInstanceOf(KvResult.Error.class);
      assertThat(((KvResult.Error) result).message()).contains("key that is not valid UTF-8");
      store.applyWithoutResult(command);
    }
    assertThat(store.stateHash()).isEqualTo(before);
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void keysOfEveryUtf8LengthAreFoundByTheirBytes() {
    List<String> keys = List.of("", "a", "é", "€uro", "ключ", "😀", "a😀b", "\uFFFD", "\u0000");
    for (String key : keys) {
      store.apply(KvCommand.put(key, key + "!").encode());
    }
    assertThat(store.size()).isEqualTo(keys.size());
    for (String key : keys) {
      assertThat(store.get(key))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo((key + "!").getBytes(UTF8)));
      assertThat(KvResult.decode(store.query(KvCommand.get(key).encode())))
          .isEqualTo(new KvResult.Found((key + "!").getBytes(UTF8)));
    }
    assertThat(store.get("b")).isEmpty();
    assertThat(store.get(null)).isEmpty();
  }

  @Test
  void aStringWithAnUnpairedSurrogateIsNeverAKey() {
    store.apply(KvCommand.put("?", "question mark").encode()); // what the JDK encodes it as
    assertThat(store.get("\uD800")).isEmpty();
    assertThat(store.get("?")).isPresent();
  }

  @Test
  void snapshotsListKeysInStringOrderWithTheDocumentedBytes() throws IOException {
    // UTF-8 byte order puts U+FFFD (EF BF BD) below U+1F600 (F0 9F 98 80); String order puts
    // U+1F600 (surrogates D83D DE00) below U+FFFD
    List<String> ascending = List.of("", "A", "a", "é", "😀", "\uFFFD", "\uFFFDx");
    for (int i = ascending.size() - 1; i >= 0; i--) {
      store.apply(KvCommand.put(ascending.get(i), new byte[] {(byte) i}).encode());
    }
    byte[] written = write(store.snapshot());
    assertThat(written).isEqualTo(documented(ascending));

    KeyValueStore restored = new KeyValueStore();
    restored.restore(new ByteArrayInputStream(written)); // strictly ascending: accepted
    assertThat(restored.stateHash()).isEqualTo(store.stateHash());
    assertThat(restored.get("😀")).hasValueSatisfying(v -> assertThat(v).containsExactly(4));
  }

  // --- helpers ---

  private static final Charset UTF8 = StandardCharsets.UTF_8;

  /** The snapshot format, written here by hand: entry {@code i} is key {@code i}, value {i}. */
  private static byte[] documented(List<String> keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, 0x4B565331);
    writeInt(out, keys.size());
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i).getBytes(UTF8);
      writeInt(out, key.length);
      out.writeBytes(key);
      writeInt(out, 1);
      out.write(i);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.toByteArray());
    writeInt(out, (int) crc.getValue());
    return out.toByteArray();
  }
}
