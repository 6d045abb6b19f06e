package io.paxos.grpc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The network address of a node: a host name or IP address and a TCP port, written {@code
 * host:port} ({@code localhost:9000}, {@code 10.0.0.7:9000}), or {@code [address]:port} for IPv6
 * ({@code [::1]:9000}). Immutable; validated in the constructor, so an {@code Endpoint} always
 * names a port a client can connect to.
 *
 * @param host a host name, an IPv4 address, or an IPv6 address without brackets ({@code ::1})
 * @param port the TCP port, 1 to 65535
 */
public record Endpoint(String host, int port) {
  /** The largest TCP port. */
  public static final int MAX_PORT = 65_535;

  private static final String FORMAT = "expected host:port, e.g. localhost:9000 or [::1]:9000";

  /**
   * Checks the components.
   *
   * @param host a host name, an IPv4 address, or an IPv6 address without brackets ({@code ::1})
   * @param port the TCP port, 1 to 65535
   * @throws IllegalArgumentException if a component is out of the bounds given above
   * @throws NullPointerException if a component that must not be null is null
   */
  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("endpoint host is blank: give a host name or IP address");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.isWhitespace(c) || c == '[' || c == ']' || c == '/' || c == ',') {
        throw new IllegalArgumentException(
            "endpoint host '"
                + host
                + "' contains '"
                + c
                + "': give a bare host name or IP address (IPv6 without brackets)");
      }
    }
    if (port < 1 || port > MAX_PORT) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " of host "
              + host
              + " is out of range: use a port from 1 to "
              + MAX_PORT);
    }
  }

  /**
   * Parse {@code host:port} or {@code [ipv6]:port}; surrounding whitespace is ignored.
   *
   * @param text the address, such as {@code localhost:9000} or {@code [::1]:9000}
   * @return the endpoint
   * @throws IllegalArgumentException if the text is blank, has no port, a port that is not a number
   *     or out of range, or an IPv6 address without brackets
   */
  public static Endpoint parse(String text) {
    Objects.requireNonNull(text, "endpoint");
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("endpoint is blank: " + FORMAT);
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "endpoint '" + s + "' opens '[' but never closes it: " + FORMAT);
      }
      host = s.substring(1, close);
      if (host.indexOf(':') < 0) {
        throw new IllegalArgumentException(
            "endpoint '" + s + "': brackets are only for IPv6 addresses; write " + host + ":port");
      }
      String rest = s.substring(close + 1);
      if (rest.isEmpty() || rest.equals(":")) {
        throw new IllegalArgumentException("endpoint '" + s + "' is missing a port: " + FORMAT);
      }
      if (rest.charAt(0) != ':') {
        throw new IllegalArgumentException(
            "endpoint '" + s + "' has '" + rest + "' after ']' instead of ':port': " + FORMAT);
      }
      port = rest.substring(1);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon < 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException("endpoint '" + s + "' is missing a port: " + FORMAT);
      }
      if (s.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "endpoint '" + s + "' looks like an IPv6 address: put it in brackets, e.g. [::1]:9000");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("endpoint '" + s + "' has no host: " + FORMAT);
    }
    return new Endpoint(host, parsePort(port, s));
  }

  /**
   * Parse a comma-separated list such as {@code "h1:9000,h2:9000,[::1]:9001"}, keeping its order;
   * whitespace around entries is ignored.
   *
   * @param text the comma-separated addresses
   * @return the endpoints, in the list's order; unmodifiable
   * @throws IllegalArgumentException if the list is blank, has an empty entry (for example a
   *     trailing comma), an invalid entry, or the same endpoint twice
   */
  public static List<Endpoint> parseList(String text) {
    Objects.requireNonNull(text, "endpoints");
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "endpoint list is blank: expected host:port[,host:port...], e.g. h1:9000,h2:9000");
    }
    String[] parts = text.split(",", -1);
    List<Endpoint> endpoints = new ArrayList<>(parts.length);
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        throw new IllegalArgumentException(
            "endpoint list '" + text + "' has an empty entry at position " + (i + 1));
      }
      Endpoint e = parse(parts[i]);
      if (!seen.add(e)) {
        throw new IllegalArgumentException("endpoint list '" + text + "' names " + e + " twice");
      }
      endpoints.add(e);
    }
    return List.copyOf(endpoints);
  }

  private static int parsePort(String port, String endpoint) {
    boolean digits = !port.isEmpty();
    for (int i = 0; i < port.length(); i++) {
      digits &= port.charAt(i) >= '0' && port.charAt(i) <= '9';
    }
    if (!digits) {
      throw new IllegalArgumentException(
          "port '" + port + "' of endpoint '" + endpoint + "' is not a number: " + FORMAT);
    }
    int value = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (value < 1 || value > MAX_PORT) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " of endpoint '"
              + endpoint
              + "' is out of range: use a port from 1 to "
              + MAX_PORT);
    }
    return value;
  }

  /** {@return whether the host is an IPv6 address (written in brackets in {@link #toString()})} */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** {@code host:port}, or {@code [host]:port} for IPv6: the form {@link #parse} reads back. */
  @Override
  public String toString() {
    return isIpv6() ? "[" + host + "]:" + port : host + ":" + port;
  }
}
