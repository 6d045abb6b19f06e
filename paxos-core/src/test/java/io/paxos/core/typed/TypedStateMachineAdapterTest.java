package io.paxos.core.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The byte state machine that runs a typed one, and the mapping of byte futures to typed ones. */
class TypedStateMachineAdapterTest {
  private static final CommandCodecs<String, String> CODECS =
      CommandCodecs.of(Codec.utf8(), Codec.utf8());

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void applyDecodesTheCommandAndEncodesTheResult() {
    Journal journal = new Journal();
    StateMachine sm = CODECS.stateMachine(journal);
    assertThat(sm.apply(utf8("a"))).isEqualTo(utf8("1"));
    assertThat(sm.apply(utf8(""))).isEqualTo(utf8("2"));
    assertThat(journal.entries).containsExactly("a", "");
    assertThat(journal.applies).isEqualTo(2);
  }

  @Test
  void applyWithoutResultReachesTheTypedOverride() {
    Journal journal = new Journal();
    StateMachine sm = CODECS.stateMachine(journal);
    sm.applyWithoutResult(utf8("x"));
    assertThat(journal.appliesWithoutResult).isEqualTo(1);
    assertThat(journal.applies).isZero();
    assertThat(journal.entries).containsExactly("x");
  }

  @Test
  void queryDecodesAndEncodesAndChangesNothing() {
    Journal journal = new Journal();
    StateMachine sm = CODECS.stateMachine(journal);
    sm.apply(utf8("a"));
    sm.apply(utf8("b"));
    assertThat(sm.query(utf8("size"))).isEqualTo(utf8("2"));
    assertThat(sm.query(utf8("all"))).isEqualTo(utf8("a,b"));
    assertThat(journal.entries).containsExactly("a", "b");
  }

  @Test
  void malformedCommandOrQueryBytesThrowCodecExceptionBeforeTheStateMachineSeesThem() {
    Journal journal = new Journal();
    StateMachine sm = CODECS.stateMachine(journal);
    byte[] malformed = {(byte) 0xC3};
    assertThatThrownBy(() -> sm.apply(malformed)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> sm.applyWithoutResult(malformed)).isInstanceOf(CodecException.class);
    assertThatThrownBy(() -> sm.query(malformed)).isInstanceOf(CodecException.class);
    assertThat(journal.entries).isEmpty();
    assertThat(journal.applies + journal.appliesWithoutResult).isZero();
  }

  @Test
  void aResultAboveTheResultCodecsBoundThrows() {
    StateMachine sm = CommandCodecs.of(Codec.utf8(), Codec.utf8(0)).stateMachine(new Journal());
    assertThatThrownBy(() -> sm.apply(utf8("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above the bound of 0 bytes");
  }

  @Test
  void aNullResultIsRefusedWithAMessage() {
    TypedStateMachine<String, String> nulls =
        new TypedStateMachine<>() {
          @Override
          public String apply(String command) {
            return null;
          }

          @Override
          public String query(String query) {
            return null;
          }

          @Override
          public Snapshot snapshot() {
            return out -> {};
          }

          @Override
          public void restore(InputStream in) {}
        };
    StateMachine sm = CODECS.stateMachine(nulls);
    assertThatThrownBy(() -> sm.apply(utf8("a"))).hasMessage("apply returned null");
    assertThatThrownBy(() -> sm.query(utf8("a"))).hasMessage("query returned null");
  }

  @Test
  void snapshotsAndRestoreGoStraightThrough() throws IOException {
    Journal original = new Journal();
    StateMachine sm = CODECS.stateMachine(original);
    sm.apply(utf8("a"));
    sm.apply(utf8("b"));
    StateMachine.Snapshot snapshot = sm.snapshot();
    sm.apply(utf8("after the snapshot"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    snapshot.writeTo(out);

    Journal copy = new Journal();
    CODECS.stateMachine(copy).restore(new ByteArrayInputStream(out.toByteArray()));
    assertThat(copy.entries).containsExactly("a", "b");
  }

  @Test
  void codecsAreRequired() {
    assertThatThrownBy(() -> CommandCodecs.of(null, Codec.utf8()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("commands");
    assertThatThrownBy(() -> CommandCodecs.of(Codec.utf8(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("results");
    assertThatThrownBy(() -> CODECS.stateMachine(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aDecodedFutureFailsWithTheSameExceptionUnwrapped() {
    CompletableFuture<byte[]> bytes = new CompletableFuture<>();
    CompletableFuture<String> typed = Decoded.map(bytes, Codec.utf8()::decode);
    IllegalStateException failure = new IllegalStateException("closed");
    bytes.completeExceptionally(failure);
    typed
        .handle(
            (r, e) -> {
              assertThat(e).isSameAs(failure); // not a CompletionException around it
              return r;
            })
        .join();
    assertThatThrownBy(typed::get).isInstanceOf(ExecutionException.class).hasCause(failure);
  }

  @Test
  void aDecodedFutureFailsWithCodecExceptionOnAMalformedResult() {
    CompletableFuture<String> typed =
        Decoded.map(
            CompletableFuture.completedFuture(new byte[] {(byte) 0xFF}), Codec.utf8()::decode);
    assertThatThrownBy(typed::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(CodecException.class);
  }

  @Test
  void aDecodedFutureCompletesWithTheValue() throws Exception {
    assertThat(
            Decoded.map(CompletableFuture.completedFuture(utf8("ok")), Codec.utf8()::decode).get())
        .isEqualTo("ok");
  }
}
