package io.paxos.examples.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request the API answers with an error: an HTTP status and a JSON body {@code {"error": message,
 * ...details}}. Throw it from a handler (the API turns it into the response) or build one for a
 * failed future.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final Map<String, Object> details;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  /**
   * @param details more fields of the JSON body, in order (values Jackson can write)
   */
  public ApiException(int status, String message, Map<String, ?> details) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx, was " + status);
    }
    this.status = status;
    this.details = new LinkedHashMap<>(details);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public int status() {
    return status;
  }

  /** The fields of the body besides {@code error}. */
  public Map<String, Object> details() {
    return details;
  }
}
