package io.paxos.peers;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ports on 127.0.0.1 that were free a moment ago, for peers that cannot bind port 0 and report it.
 * All are held open together, so the {@code n} ports differ.
 */
public final class FreePorts {
  private FreePorts() {}

  public static int[] tcp(int n) throws IOException {
    ServerSocket[] open = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        open[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ports[i] = open[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : open) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }

  public static int[] udp(int n) throws IOException {
    DatagramSocket[] open = new DatagramSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        open[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ports[i] = open[i].getLocalPort();
      }
    } finally {
      for (DatagramSocket s : open) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }
}
