package io.paxos.examples.http;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.OverloadedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * How a failed request is answered: the node's outcomes (not leader, overloaded, timed out, closed)
 * as 503 or 504 with the leader's id and address when known, a refused membership change as 409,
 * the caller's mistakes as 400. A 503 means the request was not carried out and may be retried
 * (here later, or at the leader); a 504 on a write means its outcome is unknown. Stateless but for
 * the status view.
 */
final class Failures {
  private final NodeStatusView view;

  Failures(NodeStatusView view) {
    this.view = view;
  }

  /** The answer to a request that failed with {@code error}; {@code write}: it changes state. */
  ApiException of(Throwable error, boolean write) {
    Throwable t = unwrap(error);
    if (t instanceof ApiException e) {
      return e;
    }
    String message = String.valueOf(t.getMessage());
    if (t instanceof NotLeaderException e) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put(
          "leader", e.leaderHint().isPresent() ? view.member(e.leaderHint().getAsInt()) : null);
      return new ApiException(
          503,
          "no leader could take the request now (not carried out; retry): " + message,
          details);
    }
    if (t instanceof MembershipChangeException) {
      return new ApiException(
          409, "membership change refused (not carried out): " + message, leaderDetails());
    }
    if (t instanceof OverloadedException) {
      return unavailable("the node is overloaded (not carried out; retry later): " + message);
    }
    if (t instanceof CommandTimeoutException) {
      return write
          ? new ApiException(504, "the write's outcome is unknown: " + message, leaderDetails())
          : unavailable(message);
    }
    if (t instanceof NodeClosedException) {
      return unavailable("the node does not serve: " + message);
    }
    if (t instanceof TimeoutException) {
      return write
          ? new ApiException(
              504,
              "no answer in time: the write may or may not be applied; read it to find out",
              leaderDetails())
          : new ApiException(504, "the read took too long; retry", leaderDetails());
    }
    if (t instanceof IllegalArgumentException) {
      return ApiException.badRequest(message);
    }
    if (t instanceof IllegalStateException) {
      return unavailable(message);
    }
    return new ApiException(500, "internal error: " + t);
  }

  /** A 503 naming the leader, if known. */
  ApiException unavailable(String message) {
    return new ApiException(503, message, leaderDetails());
  }

  private Map<String, Object> leaderDetails() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("leader", view.leader().orElse(null));
    return details;
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
