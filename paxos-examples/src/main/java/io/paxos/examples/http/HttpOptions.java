package io.paxos.examples.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of a {@link KvHttpApi}. Immutable; {@link #defaults()} and the {@code with...} methods
 * build them. The largest key is {@link io.paxos.examples.kv.KvCommand#MAX_KEY_BYTES}; the largest
 * write is the node's {@link io.paxos.core.config.ProtocolOptions#maxCommandBytes()}.
 *
 * @param httpAddresses every member's HTTP address ({@code host:port}) as clients reach it, by node
 *     id, so that answers can name the leader's (members missing here are named by id only)
 * @param sessionWait how long a session read waits for this node to apply the client's slot before
 *     it answers 503
 * @param requestTimeout how long any request may take before it answers 504 (a write's outcome is
 *     then unknown)
 * @param defaultScanLimit the keys a scan returns when the request names no limit
 * @param routes extra routes, registered in this order
 */
public record HttpOptions(
    Map<Integer, String> httpAddresses,
    Duration sessionWait,
    Duration requestTimeout,
    int defaultScanLimit,
    List<HttpRoutes> routes) {

  public HttpOptions {
    httpAddresses = java.util.Collections.unmodifiableMap(new TreeMap<>(httpAddresses));
    positive("sessionWait", sessionWait);
    positive("requestTimeout", requestTimeout);
    if (defaultScanLimit < 1 || defaultScanLimit > io.paxos.examples.kv.KvCommand.MAX_SCAN_LIMIT) {
      throw new IllegalArgumentException(
          "defaultScanLimit must be between 1 and "
              + io.paxos.examples.kv.KvCommand.MAX_SCAN_LIMIT
              + ", was "
              + defaultScanLimit);
    }
    routes = List.copyOf(routes);
  }

  /** No addresses of other members, 5 s session wait, 10 s request timeout, scans of 100. */
  public static HttpOptions defaults() {
    return new HttpOptions(Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 100, List.of());
  }

  public HttpOptions withHttpAddresses(Map<Integer, String> addresses) {
    return new HttpOptions(addresses, sessionWait, requestTimeout, defaultScanLimit, routes);
  }

  public HttpOptions withSessionWait(Duration wait) {
    return new HttpOptions(httpAddresses, wait, requestTimeout, defaultScanLimit, routes);
  }

  public HttpOptions withRequestTimeout(Duration timeout) {
    return new HttpOptions(httpAddresses, sessionWait, timeout, defaultScanLimit, routes);
  }

  public HttpOptions withDefaultScanLimit(int limit) {
    return new HttpOptions(httpAddresses, sessionWait, requestTimeout, limit, routes);
  }

  /** These options with {@code more} routes after the ones already given. */
  public HttpOptions withRoutes(HttpRoutes... more) {
    List<HttpRoutes> all = new java.util.ArrayList<>(routes);
    all.addAll(List.of(more));
    return new HttpOptions(httpAddresses, sessionWait, requestTimeout, defaultScanLimit, all);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
