package io.paxos.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The byte limits of {@link ProtocolOptions} are checked against each other at construction. */
class MessageLimitOptionsTest {
  private static final ProtocolOptions D = ProtocolOptions.defaults();

  @Test
  void theDefaultsHoldOneCommandPerMessageAndKeepTheOldConstructor() {
    assertThat(D.maxMessageBytes()).isEqualTo(16 << 20);
    assertThat(ProtocolOptions.oneCommandMessageBytes(D.maxCommandBytes()))
        .isLessThanOrEqualTo(D.maxMessageBytes());
    assertThat(D.maxQueuedBytes()).isGreaterThanOrEqualTo(D.maxCommandBytes());
    assertThat(D.maxSessions()).isEqualTo(100_000);
    ProtocolOptions old =
        new ProtocolOptions(50, 300, 600, 200, 256, 4096, 1 << 20, 1 << 20, 256, 8192, false);
    assertThat(old).isEqualTo(D);
  }

  @Test
  void aMessageLimitThatCannotCarryTheLargestCommandIsRefusedNamingBothFields() {
    int command = 1000;
    long exact = ProtocolOptions.oneCommandMessageBytes(command);
    ProtocolOptionsBuilder b = D.toBuilder().maxCommandBytes(command).maxBatchBytes(command);
    assertThat(b.maxMessageBytes((int) exact).build().maxMessageBytes()).isEqualTo(exact);
    assertThatThrownBy(() -> b.maxMessageBytes((int) exact - 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageBytes " + (exact - 1))
        .hasMessageContaining("maxCommandBytes " + command);
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> b.maxMessageBytes(bad).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxMessageBytes");
    }
    assertThat(b.maxMessageBytes(Integer.MAX_VALUE).build().maxMessageBytes())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theQueueMustHoldTheLargestCommand() {
    ProtocolOptionsBuilder b = D.toBuilder().maxCommandBytes(1000).maxBatchBytes(1000);
    assertThat(b.maxQueuedBytes(1000).build().maxQueuedBytes()).isEqualTo(1000);
    assertThatThrownBy(() -> b.maxQueuedBytes(999).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxQueuedBytes 999")
        .hasMessageContaining("maxCommandBytes 1000");
    assertThatThrownBy(() -> b.maxQueuedBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.maxQueuedBytes(Long.MAX_VALUE).build().maxQueuedBytes()).isEqualTo(Long.MAX_VALUE);
  }
}
