package io.paxos.examples.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lossy transport drops the fraction asked for, the same messages for the same seed. */
class LossyTransportTest {
  /** Records the destinations of what it is asked to send. */
  private static final class Recording implements Transport {
    final List<Integer> sent = new ArrayList<>();
    boolean closed;

    @Override
    public void start(Consumer<PeerMessage> inbound) {}

    @Override
    public void send(int to, PeerMessage message) {
      sent.add(to);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static List<Integer> run(double loss, long seed) {
    Recording r = new Recording();
    LossyTransport t = new LossyTransport(r, loss, seed);
    for (int i = 0; i < 10_000; i++) {
      t.send(i, null);
    }
    assertThat(t.dropped() + t.sent()).isEqualTo(10_000);
    assertThat(t.sent()).isEqualTo(r.sent.size());
    t.close();
    assertThat(r.closed).isTrue();
    return r.sent;
  }

  @Test
  void dropsAboutTheFractionAskedForAndTheSameOnesForTheSameSeed() {
    List<Integer> a = run(0.3, 42);
    assertThat(a.size()).isBetween(6_700, 7_300);
    assertThat(run(0.3, 42)).isEqualTo(a);
    assertThat(run(0.3, 43)).isNotEqualTo(a);
  }

  @Test
  void lossZeroDropsNothing() {
    assertThat(run(0, 1)).hasSize(10_000);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void refusesALossOutsideZeroToOne(double loss) {
    assertThatThrownBy(() -> new LossyTransport(new Recording(), loss, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
