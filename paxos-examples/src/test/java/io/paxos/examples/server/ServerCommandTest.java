package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code server} run in this JVM through picocli, with its output captured: every configuration it
 * refuses is refused with exit status 2 and one line on stderr, and the data directory does not
 * exist afterwards.
 */
class ServerCommandTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();

  record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    CommandLine cl = Main.commandLine(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path data() {
    return dir.resolve("data");
  }

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("cluster.yaml"), yaml);
  }

  private static String members(int... ports) {
    StringBuilder b = new StringBuilder("cluster: t\nmembers:\n");
    for (int i = 0; i < ports.length; i++) {
      b.append("  - {id: ")
          .append(i + 1)
          .append(", address: 127.0.0.1:")
          .append(ports[i])
          .append(", http: ")
          .append(ports[i] + 1000)
          .append("}\n");
    }
    return b.toString();
  }

  /** Run {@code server} on {@code yaml} as node 1 and expect a one-line refusal. */
  private String refused(String yaml, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "server",
                "--config",
                file(yaml).toString(),
                "--id",
                "1",
                "--data-dir",
                data().toString()));
    args.addAll(List.of(extra));
    Run r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ").endsWith("\n");
    assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
    assertThat(data()).doesNotExist();
    return r.err().strip();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          quorums: {phase1: 1, phase2: 2}                              | quorums: phase1 1 + phase2 2 must exceed the 3 acceptors
          members: [{id: 1, address: 127.0.0.1:1}, {id: 1, address: 127.0.0.1:2}] | members[1].id: 1 is also the id of members[0]
          members: [{id: 1, address: 127.0.0.1:1}, {id: 2, address: 127.0.0.1:1}] | members[1].address: port 1 on 127.0.0.1 is already the gRPC address of members[0]
          members: [{id: 1, address: 127.0.0.1:1, http: 3}, {id: 2, address: 127.0.0.1:2, http: 3}] | members[1].http: port 3 on 127.0.0.1 is already the HTTP port of members[0]
          members: [{id: 1, address: 127.0.0.1:1, roles: [leader]}]    | members[0].roles[0]: unknown role 'leader'; use proposer, acceptor or learner
          members: [{id: 1, address: 127.0.0.1:1, roles: [proposer, learner]}] | members: no member has the acceptor role; add acceptor to some member's roles
          members: [{id: 1, address: 127.0.0.1:1, roles: [acceptor, learner]}] | members: no member has the proposer role
          members: [{id: 1, address: 127.0.0.1:1, roles: [proposer, acceptor]}] | members: no member has the learner role
          members: [{id: 2, address: 127.0.0.1:1}]                     | --id: 1 is not a member of t in
          protocol: {heartbeat-interval: fast}                         | protocol.heartbeat-interval: 'fast' is not a duration; write e.g. 50ms, 2s or 1m
          protocol: {batch-max-bytes: 1 MB}                            | protocol.batch-max-bytes: '1 MB' is not a size
          protocol: {window: -4}                                       | protocol.window: '-4' is out of range; give 1 to 2147483647
          snapshots: {every-slots: -1}                                 | snapshots.every-slots: '-1' is negative; give 0 or more
          protocol: {election-timeout: 600ms..300ms}                   | protocol.election-timeout: '300ms' is below the minimum 600ms
          protocol: {heartbeat: 50ms}                                  | protocol.heartbeat: unknown field; the fields here are election-timeout, heartbeat-interval
          tls: {cert: /nonexistent/cert.pem, key: /nonexistent/key.pem, ca: /nonexistent/ca.pem} | tls.cert: '/nonexistent/cert.pem' does not exist or is not readable; give a readable PEM file
          """)
  void refusesABadClusterFileInOneLine(String yaml, String message) throws IOException {
    // The second "members:" (or an extra section) after the base file replaces or adds to it.
    String base = yaml.startsWith("members:") ? "cluster: t\n" : members(1, 2, 3);
    assertThat(refused(base + yaml + "\n")).contains(message);
  }

  @Test
  void refusesBadEnvironmentVariablesAndFlagsInOneLine() throws IOException {
    String yaml = members(1, 2, 3);
    env.put("PAXOS_ELECTION_TIMEOUT_MIN", "1h30");
    assertThat(refused(yaml))
        .isEqualTo(
            "error: PAXOS_ELECTION_TIMEOUT_MIN: '1h30' is not a duration; write e.g. 50ms, 2s or 1m");
    env.clear();
    assertThat(refused(yaml, "--max-command-bytes", "-1"))
        .isEqualTo("error: --max-command-bytes: '-1' is negative; give 0 or more");
    assertThat(refused(yaml, "--retained-slots", "9223372036854775808"))
        .isEqualTo("error: --retained-slots: '9223372036854775808' is not a whole number");
    assertThat(refused(yaml, "--heartbeat-intervall", "5ms"))
        .startsWith("error: Unknown options: '--heartbeat-intervall', '5ms'")
        .endsWith("; see 'paxos-examples server --help'");
    assertThat(refused(yaml, "--window"))
        .startsWith("error: Missing required parameter for option '--window'");
  }

  @Test
  void refusesAMissingDataDirectoryWithoutBootstrapNew() throws IOException {
    Path config =
        file("cluster: t\nmembers:\n  - {id: 1, address: 127.0.0.1:" + freePort() + "}\n");
    Run r =
        run("server", "--config", config.toString(), "--id", "1", "--data-dir", data().toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: node 1 cannot start: data directory "
                + data()
                + " does not exist: fix --data-dir, or pass --bootstrap-new on the first start of a"
                + " new cluster's members; to rejoin an existing cluster after losing the disk,"
                + " create it empty (the node then serves as a learner only)\n");
    assertThat(data()).doesNotExist();
  }

  @Test
  void refusesAMissingFileOrId() {
    Run r = run("server", "--id", "1", "--data-dir", data().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: no cluster file: give --config FILE or set PAXOS_CONFIG (for example"
                + " paxos-examples/config/local-3.yaml)\n");
    r = run("server", "--config", dir.resolve("none.yaml").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: cannot read the cluster file");
    assertThat(data()).doesNotExist();
  }

  @Test
  void refusesAGrpcOrHttpPortInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      String grpc = "cluster: t\nmembers:\n  - {id: 1, address: 127.0.0.1:" + port + "}\n";
      assertThat(refused(grpc))
          .startsWith(
              "error: members[id=1].address: the gRPC port 127.0.0.1:"
                  + port
                  + " cannot be bound (")
          .endsWith("); stop what uses it or give this member another port");
      int free = freePort();
      String http =
          "cluster: t\nmembers:\n  - {id: 1, address: 127.0.0.1:"
              + free
              + ", http: "
              + port
              + "}\n";
      assertThat(refused(http))
          .startsWith(
              "error: members[id=1].http: the HTTP port 127.0.0.1:" + port + " cannot be bound");
    }
  }

  @Test
  void refusesAListenAddressThatIsNotLocal() throws IOException {
    assertThat(refused(members(freePort()), "--listen", "192.0.2.1"))
        .isEqualTo(
            "error: listen: '192.0.2.1' is not an address of this machine, so the gRPC port cannot"
                + " be bound there; give --listen (or PAXOS_LISTEN) a local address, or 0.0.0.0"
                + " for all");
  }

  @Test
  void printConfigExitsWithoutTouchingTheDataDirectory() throws IOException {
    Path config = file(members(9001, 9002, 9003));
    env.put("PAXOS_HEARTBEAT_INTERVAL", "25ms");
    Run r =
        run(
            "server",
            "--config",
            config.toString(),
            "--id",
            "2",
            "--data-dir",
            data().toString(),
            "--print-config");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .containsPattern("protocol.heartbeat-interval +25ms +env PAXOS_HEARTBEAT_INTERVAL")
        .containsPattern("id +2 +flag --id");
    assertThat(data()).doesNotExist();
  }

  @Test
  void listMembersPrintsIdAndAddressPerMemberForScripts() throws IOException {
    Path config = file(members(9001, 9002, 9003));
    Run r = run("server", "--config", config.toString(), "--list-members");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("1 127.0.0.1:9001\n2 127.0.0.1:9002\n3 127.0.0.1:9003\n");

    env.put("PAXOS_CONFIG", config.toString());
    assertThat(run("server", "--list-members").out()).startsWith("1 127.0.0.1:9001\n");

    env.clear();
    Run none = run("server", "--list-members");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err())
        .isEqualTo("error: --list-members needs the cluster file: give --config FILE\n");
    Run bad = run("server", "--config", dir.resolve("missing.yaml").toString(), "--list-members");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).startsWith("error: ").doesNotContain("\tat ");
  }

  @Test
  void helpListsEveryFlagWithItsVariable() {
    Run r = run("server", "--help");
    assertThat(r.exit()).isZero();
    for (Setting s : Setting.values()) {
      assertThat(r.out()).contains(s.flag()).contains(s.env());
    }
    assertThat(r.out()).contains("--print-config").contains("default paxos-data/node-${id}.");
    Run top = run("--help");
    assertThat(top.out()).contains("server").contains("demo");
  }

  @Test
  void printsACompletionScriptThatKnowsTheServerFlags() {
    Run r = run("generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("server")
        .contains("--heartbeat-interval")
        .contains("--print-config");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
