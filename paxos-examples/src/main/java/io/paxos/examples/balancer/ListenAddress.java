package io.paxos.examples.balancer;

import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where the balancer listens: {@code udp:PORT}, {@code tcp:PORT}, or with a host, {@code
 * udp:HOST:PORT} (the host defaults to 127.0.0.1; 0.0.0.0 listens on every address; port 0 takes a
 * free one).
 *
 * @param udp UDP if true, else TCP
 * @param host the local address to bind
 * @param port the port, 0 to 65535
 */
public record ListenAddress(boolean udp, String host, int port) {
  static final String FORMAT = "write udp:PORT or tcp:PORT (or udp:HOST:PORT)";

  public ListenAddress {
    Objects.requireNonNull(host, "host");
  }

  /** {@code udp} or {@code tcp}. */
  public String protocol() {
    return udp ? "udp" : "tcp";
  }

  @Override
  public String toString() {
    return protocol() + ":" + host + ":" + port;
  }

  /** Reads {@code --listen}. */
  static final class Converter implements ITypeConverter<ListenAddress> {
    @Override
    public ListenAddress convert(String text) {
      String s = text.strip();
      int colon = s.indexOf(':');
      if (colon < 0) {
        throw new TypeConversionException("'" + text + "' names no protocol; " + FORMAT);
      }
      String protocol = s.substring(0, colon).toLowerCase(Locale.ROOT);
      if (!protocol.equals("udp") && !protocol.equals("tcp")) {
        throw new TypeConversionException(
            "'" + text + "': unknown protocol '" + protocol + "'; " + FORMAT);
      }
      String rest = s.substring(colon + 1);
      int last = rest.lastIndexOf(':');
      String host = last < 0 ? "127.0.0.1" : rest.substring(0, last);
      String portText = last < 0 ? rest : rest.substring(last + 1);
      if (host.isEmpty()) {
        throw new TypeConversionException("'" + text + "' has an empty host; " + FORMAT);
      }
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' has no port number; " + FORMAT);
      }
      if (port < 0 || port > 65_535) {
        throw new TypeConversionException("'" + text + "': the port is not 0 to 65535");
      }
      return new ListenAddress(protocol.equals("udp"), host, port);
    }
  }
}
