package io.paxos.examples.cli;

import io.paxos.grpc.Endpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * One in-process run of {@code kv}: its exit code, what it printed on stdout (text and raw bytes)
 * and on stderr.
 */
record KvRun(int exit, String out, byte[] raw, String err) {
  /** Run {@code kv args...} against {@code endpoints}, with {@code stdin} as standard input. */
  static KvRun run(List<Endpoint> endpoints, byte[] stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(
        "--endpoints="
            + endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(",")));
    return runRaw(stdin, all.toArray(String[]::new));
  }

  /** Run {@code kv args...} exactly as given. */
  static KvRun runRaw(byte[] stdin, String... args) {
    return runWithEnv(System.getenv(), stdin, args);
  }

  /** Run {@code kv args...} exactly as given, with {@code env} as its environment. */
  static KvRun runWithEnv(Map<String, String> env, byte[] stdin, String... args) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = KvCli.commandLine(new KvCli(new ByteArrayInputStream(stdin), raw, env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new KvRun(exit, out.toString(), raw.toByteArray(), err.toString());
  }

  /** The lines printed on stdout. */
  List<String> lines() {
    return out.lines().toList();
  }

  /** The lines printed on stderr. */
  List<String> errLines() {
    return err.lines().toList();
  }

  /** An address where nothing listens: a port the OS handed out, then closed. */
  static Endpoint nowhere() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new Endpoint("127.0.0.1", s.getLocalPort());
    }
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
