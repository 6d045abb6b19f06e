package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.Consistency;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The converters and the value display, at their edges. */
class OptionsTest {
  private final Durations durations = new Durations();

  @Test
  void timeoutsFromOneMillisecondToOneHour() {
    assertThat(durations.convert("1ms")).isEqualTo(Duration.ofMillis(1));
    assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(durations.convert("5")).isEqualTo(Duration.ofSeconds(5));
    assertThat(durations.convert(" 5S ")).isEqualTo(Duration.ofSeconds(5));
    assertThat(durations.convert("60m")).isEqualTo(Duration.ofHours(1));
    assertThat(durations.convert("3600s")).isEqualTo(Duration.ofHours(1));
    for (String bad :
        new String[] {
          "", "0", "0ms", "-1s", "3601s", "61m", "1h", "s", "ms", "1.5s", "999999999m", "1e3"
        }) {
      assertThatThrownBy(() -> durations.convert(bad))
          .as("'%s'", bad)
          .isInstanceOf(TypeConversionException.class);
    }
  }

  @Test
  void consistencyNames() {
    ConsistencyOption c = new ConsistencyOption();
    assertThat(c.convert("linearizable")).isEqualTo(Consistency.LINEARIZABLE);
    assertThat(c.convert("SEQUENTIAL")).isEqualTo(Consistency.SEQUENTIAL);
    assertThat(c.convert("stale")).isEqualTo(Consistency.STALE);
    assertThat(c.convert("Lease")).isEqualTo(Consistency.LEASE);
    assertThatThrownBy(() -> c.convert("eventual")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void valuesAreTextOnlyWhenThatIsUnambiguous() {
    assertThat(ValueText.show(bytes("plain text"))).isEqualTo("plain text");
    assertThat(ValueText.show(bytes(""))).isEmpty();
    assertThat(ValueText.show(bytes("tab\tok"))).isEqualTo("tab\tok");
    assertThat(ValueText.show(bytes("two\nlines"))).isEqualTo("base64:dHdvCmxpbmVz");
    assertThat(ValueText.show(bytes("\u001b[31mred"))).startsWith("base64:");
    assertThat(ValueText.show(bytes("base64:x"))).isEqualTo("base64:YmFzZTY0Ong=");
    assertThat(ValueText.show(new byte[] {(byte) 0xC0, (byte) 0x80})) // overlong NUL
        .isEqualTo("base64:wIA=");
    assertThat(ValueText.show(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) // surrogate
        .isEqualTo("base64:7aCA");
    assertThat(ValueText.utf8(new byte[] {(byte) 0xE2, (byte) 0x82})).isEmpty(); // truncated
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
