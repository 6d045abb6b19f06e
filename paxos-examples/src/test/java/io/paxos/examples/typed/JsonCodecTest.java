package io.paxos.examples.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.typed.CodecException;
import io.paxos.examples.typed.Ledger.Balance;
import io.paxos.examples.typed.Ledger.Deposit;
import io.paxos.examples.typed.Ledger.Reply;
import io.paxos.examples.typed.Ledger.Request;
import io.paxos.examples.typed.Ledger.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Records as JSON: round trips through a sealed interface, the bound, strictness on input. */
class JsonCodecTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sealedRecordsRoundTripAsTheirOwnSubtype() {
    for (Request request :
        new Request[] {
          new Deposit("alice", Long.MAX_VALUE),
          new Transfer("alice", "bob", Long.MIN_VALUE),
          new Balance(""),
          new Balance("ünïcødé \uD83D\uDE00")
        }) {
      assertThat(Ledger.REQUESTS.decode(Ledger.REQUESTS.encode(request))).isEqualTo(request);
    }
    assertThat(new String(Ledger.REQUESTS.encode(new Deposit("a", 5)), StandardCharsets.UTF_8))
        .isEqualTo("{\"@type\":\"Deposit\",\"account\":\"a\",\"amount\":5}");
  }

  record Counts(Map<String, Long> counts) {}

  @Test
  void mapsAreWrittenInKeyOrderWhateverTheirHashOrder() {
    Map<String, Long> hashed = new HashMap<>();
    for (int i = 30; i >= 0; i--) {
      hashed.put("k" + i, (long) i);
    }
    JsonCodec<Counts> codec = JsonCodec.of(Counts.class);
    byte[] fromHashMap = codec.encode(new Counts(hashed));
    assertThat(fromHashMap).isEqualTo(codec.encode(new Counts(new TreeMap<>(hashed))));
    assertThat(codec.decode(fromHashMap)).isEqualTo(new Counts(hashed));
  }

  @Test
  void theBoundTakesExactlyItsSizeAndRefusesOneByteMore() {
    byte[] encoded = JsonCodec.of(Reply.class).encode(new Reply(true, 12345));
    JsonCodec<Reply> exact = JsonCodec.of(Reply.class, encoded.length);
    assertThat(exact.decode(exact.encode(new Reply(true, 12345))))
        .isEqualTo(new Reply(true, 12345));
    assertThatThrownBy(() -> exact.encode(new Reply(true, 123456)))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(CodecException.class)
        .hasMessageContaining("above the bound of " + encoded.length + " bytes");
    byte[] longer = JsonCodec.of(Reply.class).encode(new Reply(true, 123456));
    assertThatThrownBy(() -> exact.decode(longer))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining((encoded.length + 1) + " bytes exceed the bound");
    assertThatThrownBy(() -> JsonCodec.of(Reply.class, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // no value at all
        "null", // null as the whole value
        "{", // truncated
        "{\"ok\":true,\"balance\":1} {}", // trailing tokens
        "{\"ok\":true,\"balance\":1,\"extra\":0}", // an unknown property
        "{\"ok\":true,\"balance\":1,\"balance\":2}", // a key given twice
        "{\"ok\":true,\"balance\":null}", // null for a primitive
        "{\"ok\":true,\"balance\":1.5}", // a fraction for an integer
        "{\"ok\":true,\"balance\":99999999999999999999}", // beyond a long
        "{\"ok\":true,\"balance\":NaN}", // not JSON
        "[true, 1]", // the wrong shape
      })
  void malformedOrNonMatchingJsonIsRefused(String json) {
    assertThatThrownBy(() -> Ledger.REPLIES.decode(utf8(json)))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("json codec (io.paxos.examples.typed.Ledger$Reply): ");
  }

  @Test
  void anUnknownSubtypeIsRefused() {
    assertThatThrownBy(() -> Ledger.REQUESTS.decode(utf8("{\"@type\":\"Withdraw\",\"amount\":1}")))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void malformedUtf8IsRefused() {
    assertThatThrownBy(() -> Ledger.REPLIES.decode(new byte[] {'{', '"', (byte) 0xC3, '"'}))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void nullIsACallerMistake() {
    assertThatThrownBy(() -> Ledger.REPLIES.encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Ledger.REPLIES.decode(null)).isInstanceOf(NullPointerException.class);
  }
}
