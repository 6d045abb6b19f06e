package io.paxos.grpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on the connections a node's gRPC port accepts, so that idle, slow or half-open connections
 * cannot exhaust its file descriptors or memory. Immutable; validated when built.
 *
 * @param maxConnections connections open at once; one more is closed as soon as it is accepted
 * @param handshakeTimeout time a new connection has to finish its TLS and HTTP/2 handshakes
 * @param helloTimeout time a new peer stream has to send a valid {@code Hello}
 * @param maxConnectionIdle a connection with no call for this long is closed (clients reconnect
 *     transparently)
 * @param keepAliveTime the node pings a connection silent for this long, to find dead peers and
 *     clients
 * @param keepAliveTimeout a ping unanswered for this long closes the connection
 * @param maxCallsPerConnection calls open at once on one connection
 */
public record ConnectionLimits(
    int maxConnections,
    Duration handshakeTimeout,
    Duration helloTimeout,
    Duration maxConnectionIdle,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    int maxCallsPerConnection) {

  /**
   * {@return the defaults} 1,000 connections, 10 s to finish the TLS and HTTP/2 handshakes and 10 s
   * to send a Hello, idle connections closed after 5 minutes, a ping after 30 s of silence answered
   * within 10 s, 1,000 calls per connection.
   */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(
        1_000,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        1_000);
  }

  /**
   * Checks the components.
   *
   * @param maxConnections connections open at once; one more is closed as soon as it is accepted
   * @param handshakeTimeout time a new connection has to finish its TLS and HTTP/2 handshakes
   * @param helloTimeout time a new peer stream has to send a valid {@code Hello}
   * @param maxConnectionIdle a connection with no call for this long is closed (clients reconnect
   *     transparently)
   * @param keepAliveTime the node pings a connection silent for this long, to find dead peers and
   *     clients
   * @param keepAliveTimeout a ping unanswered for this long closes the connection
   * @param maxCallsPerConnection calls open at once on one connection
   * @throws IllegalArgumentException if a count is below 1, a duration is outside 1 ms to 1 day, or
   *     {@code keepAliveTime} is below the interval peers are permitted to ping at
   */
  public ConnectionLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "maxConnections " + maxConnections + " must be at least 1 (a cluster needs its peers)");
    }
    if (maxCallsPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxCallsPerConnection " + maxCallsPerConnection + " must be at least 1");
    }
    positive("handshakeTimeout", handshakeTimeout);
    positive("helloTimeout", helloTimeout);
    positive("maxConnectionIdle", maxConnectionIdle);
    positive("keepAliveTime", keepAliveTime);
    positive("keepAliveTimeout", keepAliveTimeout);
    if (keepAliveTime.compareTo(PaxosServer.PERMITTED_KEEPALIVE) < 0) {
      throw new IllegalArgumentException(
          "keepAliveTime "
              + keepAliveTime
              + " is below the "
              + PaxosServer.PERMITTED_KEEPALIVE
              + " that peers are allowed to ping at");
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          name + " " + d + " is out of range: give a duration between 1 ms and 1 day");
    }
  }

  /**
   * {@return these limits with at most {@code max} connections open at once}
   *
   * @param max at least 1
   * @throws IllegalArgumentException if {@code max} is below 1
   */
  public ConnectionLimits withMaxConnections(int max) {
    return new ConnectionLimits(
        max,
        handshakeTimeout,
        helloTimeout,
        maxConnectionIdle,
        keepAliveTime,
        keepAliveTimeout,
        maxCallsPerConnection);
  }

  /**
   * {@return these limits with {@code timeout} for a new peer stream to send its Hello}
   *
   * @param timeout from 1 ms to 1 day
   * @throws IllegalArgumentException if {@code timeout} is out of that range
   */
  public ConnectionLimits withHelloTimeout(Duration timeout) {
    return new ConnectionLimits(
        maxConnections,
        handshakeTimeout,
        timeout,
        maxConnectionIdle,
        keepAliveTime,
        keepAliveTimeout,
        maxCallsPerConnection);
  }

  /**
   * {@return these limits with {@code timeout} for a new connection's TLS and HTTP/2 handshakes}
   *
   * @param timeout from 1 ms to 1 day
   * @throws IllegalArgumentException if {@code timeout} is out of that range
   */
  public ConnectionLimits withHandshakeTimeout(Duration timeout) {
    return new ConnectionLimits(
        maxConnections,
        timeout,
        helloTimeout,
        maxConnectionIdle,
        keepAliveTime,
        keepAliveTimeout,
        maxCallsPerConnection);
  }

  /**
   * {@return these limits with connections closed after {@code idle} without a call}
   *
   * @param idle from 1 ms to 1 day
   * @throws IllegalArgumentException if {@code idle} is out of that range
   */
  public ConnectionLimits withMaxConnectionIdle(Duration idle) {
    return new ConnectionLimits(
        maxConnections,
        handshakeTimeout,
        helloTimeout,
        idle,
        keepAliveTime,
        keepAliveTimeout,
        maxCallsPerConnection);
  }
}
