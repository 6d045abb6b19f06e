package io.paxos.peers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The flags every W1 harness takes, with the load generator's names, defaults and bounds: {@code
 * --clients C} (64), {@code --payload P} (100), {@code --seconds D} (20), {@code --warmup W} (5)
 * and {@code --no-sync}. A harness may accept a few flags of its own, each with one value.
 */
public final class W1Options {
  public final int clients;
  public final int payload;
  public final int seconds;
  public final int warmup;
  public final boolean sync;
  private final Map<String, String> extras;

  private W1Options(
      int clients, int payload, int seconds, int warmup, boolean sync, Map<String, String> extras) {
    this.clients = clients;
    this.payload = payload;
    this.seconds = seconds;
    this.warmup = warmup;
    this.sync = sync;
    this.extras = extras;
  }

  /**
   * Parses {@code args}; throws {@link IllegalArgumentException} naming the first bad flag.
   *
   * @param extraFlags the harness's own flags (each followed by one value)
   */
  public static W1Options parse(String[] args, List<String> extraFlags) {
    int clients = 64;
    int payload = 100;
    int seconds = 20;
    int warmup = 5;
    boolean sync = true;
    Map<String, String> extras = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--no-sync")) {
        sync = false;
        continue;
      }
      if (!flag.startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("unknown argument or missing value: " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--clients" -> clients = bounded(flag, value, 1, 100_000);
        case "--payload" -> payload = bounded(flag, value, 0, 1 << 20);
        case "--seconds" -> seconds = bounded(flag, value, 1, 3600);
        case "--warmup" -> warmup = bounded(flag, value, 0, 3600);
        default -> {
          if (!extraFlags.contains(flag)) {
            throw new IllegalArgumentException("unknown argument: " + flag);
          }
          extras.put(flag, value);
        }
      }
    }
    return new W1Options(clients, payload, seconds, warmup, sync, extras);
  }

  /** The value of one of the harness's own flags, within [min, max], or {@code fallback}. */
  public long extra(String flag, long fallback, long min, long max) {
    String value = extras.get(flag);
    return value == null ? fallback : bounded(flag, value, min, max);
  }

  private static int bounded(String flag, String value, long min, long max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " takes a number, was " + value);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(flag + " must be " + min + "-" + max + ", was " + value);
    }
    return (int) v;
  }
}
