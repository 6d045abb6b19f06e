package io.paxos.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RateLimitedLog log =
      new RateLimitedLog(lines::add, Duration.ofSeconds(10), now::get);

  @Test
  @DisplayName("the first event of a kind is written at once, the rest of the interval counted")
  void oneLinePerKindAndInterval() {
    for (int i = 0; i < 1_000; i++) {
      log.event("reset", "connection " + i);
      now.addAndGet(1_000_000); // 1 ms
    }
    assertThat(lines).containsExactly("reset: connection 0");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    log.event("reset", "connection last");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1))
        .isEqualTo("1000 similar events in the last 11 s: reset: connection last");
    assertThat(log.events()).isEqualTo(1_001);
    assertThat(log.lines()).isEqualTo(2);
  }

  @Test
  @DisplayName("kinds are limited independently, and their number is bounded")
  void kindsAreIndependentAndBounded() {
    log.event("a", "x");
    log.event("b", "y");
    log.event("a", "x");
    assertThat(lines).containsExactly("a: x", "b: y");
    for (int i = 0; i < 10 * RateLimitedLog.MAX_KINDS; i++) {
      log.event("kind " + i, "m");
    }
    assertThat(lines).hasSizeLessThanOrEqualTo(RateLimitedLog.MAX_KINDS + 1);
  }

  @Test
  @DisplayName("messages are cut and kept on one line")
  void messagesAreCut() {
    log.event("big", "x".repeat(100_000) + "\nsecond line");
    assertThat(lines.get(0))
        .hasSizeLessThan(RateLimitedLog.MAX_MESSAGE_CHARS + 20)
        .doesNotContain("\n");
  }
}
