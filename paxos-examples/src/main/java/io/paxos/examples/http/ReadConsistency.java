package io.paxos.examples.http;

import io.paxos.core.Consistency;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The consistency of a read over HTTP, named as users ask for it ({@code consistency=strong}).
 *
 * <ul>
 *   <li>{@link #STRONG}: linearizable ({@link Consistency#LINEARIZABLE}): the read reflects every
 *       write acknowledged before it began, at any node; costs a round to a quorum.
 *   <li>{@link #LEASE}: linearizable too, served by the leader from its lease without a quorum
 *       round while the lease holds ({@link Consistency#LEASE}; with leases off, the same as
 *       strong).
 *   <li>{@link #SESSION}: read-your-writes and monotonic reads for one client at any node: the read
 *       waits until this node has applied the slot of the client's session token (the slot of
 *       everything the client has seen), then runs here ({@link Consistency#STALE} at or after that
 *       slot). Without a token it is an eventual read that starts a session.
 *   <li>{@link #EVENTUAL}: this node, now ({@link Consistency#STALE}); may be behind.
 * </ul>
 */
public enum ReadConsistency {
  STRONG(Consistency.LINEARIZABLE),
  LEASE(Consistency.LEASE),
  SESSION(Consistency.STALE),
  EVENTUAL(Consistency.STALE);

  private final Consistency core;

  ReadConsistency(Consistency core) {
    this.core = core;
  }

  /** The core's consistency that serves it (with the session's slot, for {@link #SESSION}). */
  public Consistency core() {
    return core;
  }

  /** The name on the wire: {@code strong}, {@code lease}, {@code session}, {@code eventual}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The consistency named {@code name} (case-insensitive), or {@code fallback} if it is null.
   *
   * @throws ApiException (400) for any other name
   */
  static ReadConsistency parse(String name, ReadConsistency fallback) {
    if (name == null) {
      return fallback;
    }
    for (ReadConsistency c : values()) {
      if (c.wireName().equalsIgnoreCase(name)) {
        return c;
      }
    }
    throw new ApiException(
        400,
        "unknown consistency '" + name + "': use one of " + names(),
        java.util.Map.of("consistencies", Arrays.stream(values()).map(c -> c.wireName()).toList()));
  }

  private static String names() {
    return Arrays.stream(values()).map(ReadConsistency::wireName).collect(Collectors.joining(", "));
  }
}
