package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/** Helpers for rule tests: hand-made inputs and a readable view of what an {@link Outbox} holds. */
final class Probe {
  private Probe() {}

  /**
   * A generator that always draws 0, so every randomized election timeout is exactly {@code
   * electionTimeoutMinMs}: tests can name the instant a timer fires.
   */
  static final RandomGenerator NO_JITTER = () -> 0L;

  /** One queued send. */
  record Sent(int to, Message message) {}

  static List<Sent> sent(Outbox out) {
    List<Sent> all = new ArrayList<>();
    for (int i = 0; i < out.sendCount(); i++) {
      all.add(new Sent(out.sendTo(i), out.sendMessage(i)));
    }
    return all;
  }

  /** The messages of {@code type} queued, one entry per destination. */
  static <T extends Message> List<T> sent(Outbox out, Class<T> type) {
    List<T> all = new ArrayList<>();
    for (Sent s : sent(out)) {
      if (type.isInstance(s.message())) {
        all.add(type.cast(s.message()));
      }
    }
    return all;
  }

  /** The messages of {@code type} queued for node {@code to}. */
  static <T extends Message> List<T> sentTo(Outbox out, int to, Class<T> type) {
    List<T> all = new ArrayList<>();
    for (Sent s : sent(out)) {
      if (s.to() == to && type.isInstance(s.message())) {
        all.add(type.cast(s.message()));
      }
    }
    return all;
  }

  /** The destinations of the messages of {@code type}, ascending. */
  static int[] recipients(Outbox out, Class<? extends Message> type) {
    return sent(out).stream()
        .filter(s -> type.isInstance(s.message()))
        .mapToInt(Sent::to)
        .sorted()
        .toArray();
  }

  /** The one message of {@code type} queued for {@code to}; fails if there is not exactly one. */
  static <T extends Message> T onlyTo(Outbox out, int to, Class<T> type) {
    List<T> all = sentTo(out, to, type);
    assertThat(all).as("%s messages to node %d", type.getSimpleName(), to).hasSize(1);
    return all.get(0);
  }

  /**
   * The one distinct message of {@code type} queued (possibly sent to many nodes); fails if there
   * are several different ones or none.
   */
  static <T extends Message> T only(Outbox out, Class<T> type) {
    List<T> distinct = sent(out, type).stream().distinct().toList();
    assertThat(distinct).as("distinct %s messages", type.getSimpleName()).hasSize(1);
    return distinct.get(0);
  }

  static Command cmd(int origin, long sequence) {
    return new Command(origin, 77, sequence, ("cmd-" + sequence).getBytes(StandardCharsets.UTF_8));
  }

  static Value batch(Command... commands) {
    return new Value.Batch(Arrays.asList(commands));
  }

  /** A one-command value, distinct for each {@code tag}. */
  static Value value(long tag) {
    return batch(cmd(9, tag));
  }

  static Ballot b(long round, int node) {
    return new Ballot(round, node);
  }
}
