package io.paxos.examples.server;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;

/**
 * Checks made just before a node starts, after its configuration resolved and before it touches its
 * data directory: the gRPC port and the HTTP port are free on the listen address. (The gRPC port is
 * then bound before the data directory is opened, so a port taken in between is also refused before
 * it is touched.)
 */
final class Preflight {
  private Preflight() {}

  static void check(ServerConfig config) {
    int id = config.nodeId();
    free(config.grpcListen(), "members[id=" + id + "].address", "gRPC");
    config.httpListen().ifPresent(http -> free(http, "members[id=" + id + "].http", "HTTP"));
    if (config.linePort().isPresent() && config.linePort().getAsInt() != 0) {
      freeLine(new Endpoint(config.listenHost(), config.linePort().getAsInt()));
    }
  }

  private static void free(Endpoint endpoint, String field, String what) {
    local(endpoint.host(), what);
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(endpoint.host(), endpoint.port()));
    } catch (BindException e) {
      throw new ConfigException(
          field
              + ": the "
              + what
              + " port "
              + endpoint
              + " cannot be bound ("
              + e.getMessage()
              + "); stop what uses it or give this member another port");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "listen: cannot bind the "
              + what
              + " port "
              + endpoint
              + " ("
              + e.getMessage()
              + "); give --listen a local address of this machine, or 0.0.0.0");
    }
  }

  /** The line port is free over both TCP and UDP. */
  private static void freeLine(Endpoint endpoint) {
    free(endpoint, "line-port", "TCP line");
    try (DatagramSocket socket = new DatagramSocket(null)) {
      socket.bind(new InetSocketAddress(endpoint.host(), endpoint.port()));
    } catch (IOException e) {
      throw new ConfigException(
          "line-port: the UDP line port "
              + endpoint
              + " cannot be bound ("
              + e.getMessage()
              + "); stop what uses it or give --line-port another port");
    }
  }

  /** Refuse a listen host that is not an address of this machine. */
  private static void local(String host, String what) {
    boolean local;
    try {
      InetAddress address = InetAddress.getByName(host);
      local =
          address.isAnyLocalAddress()
              || address.isLoopbackAddress()
              || NetworkInterface.getByInetAddress(address) != null;
    } catch (IOException e) {
      local = false;
    }
    if (!local) {
      throw new ConfigException(
          "listen: '"
              + host
              + "' is not an address of this machine, so the "
              + what
              + " port cannot be bound there; give --listen (or PAXOS_LISTEN) a local address,"
              + " or 0.0.0.0 for all");
    }
  }
}
