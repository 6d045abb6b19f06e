package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterFileTest {
  @TempDir Path dir;

  private static final String THREE =
      """
      cluster: t
      members:
        - {id: 1, address: 127.0.0.1:9001, http: 8081}
        - {id: 2, address: 127.0.0.1:9002, http: 8082}
        - {id: 3, address: 127.0.0.1:9003, http: 8083}
      """;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private ClusterFile load(String yaml) throws IOException {
    return ClusterFile.load(write("c.yaml", yaml));
  }

  /** The one-line message that loading {@code yaml} is refused with, without the file name. */
  private String refusal(String yaml) throws IOException {
    Path p = write("c.yaml", yaml);
    try {
      ClusterFile.load(p);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain("\n").startsWith(p + ": ");
      assertThat(e.getStackTrace()).isEmpty();
      return e.getMessage().substring(p.toString().length() + 2);
    }
    throw new AssertionError("loaded: " + yaml);
  }

  @Test
  void everyShippedClusterFileLoadsAndIsValid() throws IOException {
    List<Path> shipped;
    try (Stream<Path> files = Files.list(Path.of("config"))) {
      shipped = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(shipped)
        .extracting(p -> p.getFileName().toString())
        .contains("local-3.yaml", "local-5-5-2.yaml", "local-3-2-2.yaml");
    for (Path p : shipped) {
      ClusterFile f = ClusterFile.load(p);
      ClusterConfig c = f.config();
      assertThat(c.phase1Quorum() + c.phase2Quorum())
          .isGreaterThan(c.idsWith(Role.ACCEPTOR).length);
      assertThat(f.nodes()).allSatisfy(n -> assertThat(n.http()).isPresent());
      assertThat(f.nodes()).allSatisfy(n -> assertThat(n.address().host()).isEqualTo("127.0.0.1"));
      // Every setting the file gives resolves, for every member.
      for (ClusterFile.Node n : f.nodes()) {
        ServerConfig config =
            ConfigResolver.resolve(
                java.util.Map.of(
                    Setting.CONFIG, p.toString(), Setting.ID, Integer.toString(n.id())),
                java.util.Map.of(),
                w -> {});
        assertThat(config.nodeSettings().self()).isEqualTo(n.address());
      }
    }
  }

  @Test
  void theShippedLayoutsHaveTheirRoles() {
    ClusterFile three = ClusterFile.load(Path.of("config/local-3.yaml"));
    assertThat(three.config().ids()).containsExactly(1, 2, 3);
    assertThat(three.endpoints())
        .containsExactly(
            new Endpoint("127.0.0.1", 9001),
            new Endpoint("127.0.0.1", 9002),
            new Endpoint("127.0.0.1", 9003));
    assertThat(three.nodes())
        .extracting(n -> n.http().getAsInt())
        .containsExactly(8081, 8082, 8083);
    assertThat(three.nodes()).allSatisfy(n -> assertThat(n.roles()).hasSize(3));

    ClusterConfig split = ClusterFile.load(Path.of("config/local-5-5-2.yaml")).config();
    assertThat(split.idsWith(Role.PROPOSER)).hasSize(5);
    assertThat(split.idsWith(Role.ACCEPTOR)).hasSize(5);
    assertThat(split.idsWith(Role.LEARNER)).hasSize(2);
    assertThat(split.members()).allSatisfy(m -> assertThat(m.roles()).hasSize(1));

    ClusterConfig small = ClusterFile.load(Path.of("config/local-3-2-2.yaml")).config();
    assertThat(small.idsWith(Role.ACCEPTOR)).hasSize(3);
    assertThat(small.idsWith(Role.PROPOSER)).hasSize(2);
    assertThat(small.idsWith(Role.LEARNER)).hasSize(2);
    assertThat(small.members()).allSatisfy(m -> assertThat(m.roles()).hasSize(1));
  }

  @Test
  void readsEveryFieldAndDefaultsRolesAndQuorums() throws IOException {
    ClusterFile f =
        load(
            """
            cluster: full
            members:
              - {id: 1, address: 127.0.0.1:9001, http: 8081, roles: [proposer, acceptor]}
              - {id: 2, address: 127.0.0.1:9002, roles: [acceptor, learner], data-dir: /d/two}
              - {id: 3, address: "[::1]:9003", roles: [ACCEPTOR]}
              - {id: 4, address: 127.0.0.1:9004}
            quorums: {phase1: 4, phase2: 1}
            protocol:
              heartbeat-interval: 20ms
              election-timeout: 100ms..200ms
              window: 64
              accepted-to-learners: true
            snapshots: {enabled: false}
            tls: {cert: c.pem, key: k.pem, ca: ca.pem, mtls: true}
            data-dir: data/${id}
            log-level: debug
            """);
    assertThat(f.clusterId()).isEqualTo("full");
    assertThat(f.quorumsGiven()).isTrue();
    assertThat(f.config().phase1Quorum()).isEqualTo(4);
    assertThat(f.config().phase2Quorum()).isEqualTo(1);
    assertThat(f.node(1).orElseThrow().roles()).containsExactly(Role.PROPOSER, Role.ACCEPTOR);
    assertThat(f.node(3).orElseThrow().address()).isEqualTo(new Endpoint("::1", 9003));
    assertThat(f.node(4).orElseThrow().roles()).containsExactly(Role.values());
    assertThat(f.node(2).orElseThrow().dataDir()).contains("/d/two");
    assertThat(f.node(2).orElseThrow().http()).isEmpty();
    assertThat(f.node(1).orElseThrow().httpAddress()).contains(new Endpoint("127.0.0.1", 8081));
    assertThat(f.settings().get(Setting.ELECTION_TIMEOUT_MIN).text()).isEqualTo("100ms");
    assertThat(f.settings().get(Setting.ELECTION_TIMEOUT_MAX).text()).isEqualTo("200ms");
    assertThat(f.settings().get(Setting.ELECTION_TIMEOUT_MAX).field())
        .isEqualTo("protocol.election-timeout");
    assertThat(f.settings().get(Setting.WINDOW).text()).isEqualTo("64");
    assertThat(f.settings().get(Setting.SNAPSHOTS_ENABLED).text()).isEqualTo("false");
    assertThat(f.settings().get(Setting.TLS_MTLS).text()).isEqualTo("true");
    assertThat(f.settings().get(Setting.DATA_DIR).text()).isEqualTo("data/${id}");
    assertThat(f.settings().get(Setting.LOG_LEVEL).text()).isEqualTo("debug");

    ClusterFile majorities = load(THREE);
    assertThat(majorities.quorumsGiven()).isFalse();
    assertThat(majorities.config().phase1Quorum()).isEqualTo(2);
    assertThat(majorities.config().phase2Quorum()).isEqualTo(2);
  }

  @Test
  void readsLeaderPrioritiesIntoTheMembershipAndItsFingerprint() throws IOException {
    ClusterFile f =
        load(
            """
            cluster: t
            members:
              - {id: 1, address: 127.0.0.1:9001, http: 8081, priority: 0}
              - {id: 2, address: 127.0.0.1:9002, http: 8082, priority: 1000}
              - {id: 3, address: 127.0.0.1:9003, http: 8083}
            """);
    assertThat(f.node(2).orElseThrow().priority()).isEqualTo(1000);
    assertThat(f.node(3).orElseThrow().priority()).isZero();
    assertThat(f.config().priority(1)).isZero();
    assertThat(f.config().priority(2)).isEqualTo(1000);
    assertThat(f.config().hasPriorities()).isTrue();
    // Nodes that disagree on priorities refuse each other: the fingerprint covers them.
    ClusterFile without = load(THREE.replace("cluster: t", "cluster: t"));
    assertThat(without.config().hasPriorities()).isFalse();
    assertThat(f.config().fingerprint()).isNotEqualTo(without.config().fingerprint());
    // Written as 0 everywhere, priorities are absent: the fingerprint is the one without them.
    ClusterFile zeros = load(THREE.replace("http: 8081}", "http: 8081, priority: 0}"));
    assertThat(zeros.config().fingerprint()).isEqualTo(without.config().fingerprint());
  }

  @Test
  void printConfigShowsEachMembersPriority() {
    ServerConfig config =
        ConfigResolver.resolve(
            java.util.Map.of(Setting.CONFIG, "config/local-3-priority.yaml", Setting.ID, "3"),
            java.util.Map.of(),
            w -> {});
    String described = config.describe();
    assertThat(described)
        .containsPattern("member 1 +127.0.0.1:9001 http 8081 \\[proposer,acceptor,learner\\] +file")
        .containsPattern("member 2 +127.0.0.1:9002 http 8082 \\[[a-z,]+\\] priority 5 +file")
        .containsPattern(
            "member 3 +127.0.0.1:9003 http 8083 \\[[a-z,]+\\] priority 10 \\(this node\\)");
  }

  @Test
  void readsJson() throws IOException {
    ClusterFile f =
        ClusterFile.load(
            write(
                "c.json",
                """
                {"cluster": "j", "members": [
                  {"id": 1, "address": "127.0.0.1:9001", "http": 8081, "roles": ["proposer", "acceptor", "learner"]}],
                 "protocol": {"window": 8, "heartbeat-interval": "10ms"}}
                """));
    assertThat(f.clusterId()).isEqualTo("j");
    assertThat(f.settings().get(Setting.WINDOW).text()).isEqualTo("8");
    Path bad = write("bad.json", "{\"cluster\": \"j\",}");
    assertThatThrownBy(() -> ClusterFile.load(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(bad + ": not valid JSON at line 1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          colour: red                                     | colour: unknown field; the fields here are cluster, members
          protocol: {heartbeat: 5ms}                      | protocol.heartbeat: unknown field; the fields here are election-timeout, heartbeat-interval
          snapshots: {every: 5}                           | snapshots.every: unknown field; the fields here are enabled, every-slots
          tls: {certificate: x}                           | tls.certificate: unknown field; the fields here are cert, key, ca, mtls
          quorums: {phase3: 1}                            | quorums.phase3: unknown field; the fields here are phase1, phase2
          quorums: {phase1: 1, phase2: 2}                 | quorums: phase1 1 + phase2 2 must exceed the 3 acceptors, or two leaders could choose different values; raise one of them
          quorums: {phase1: 4}                            | quorums.phase1: 4 is out of range; give 1 to 3; the cluster has 3 acceptors
          quorums: {phase2: 0}                            | quorums.phase2: 0 is out of range; give 1 to 3; the cluster has 3 acceptors
          quorums: {phase2: -1}                           | quorums.phase2: -1 is out of range; give 1 to 3
          quorums: {phase2: 9223372036854775807}          | quorums.phase2: 9223372036854775807 is out of range
          quorums: {phase2: two}                          | quorums.phase2: 'two' is not a whole number
          protocol: {election-timeout: 300ms..}           | protocol.election-timeout: '300ms..' is not a range; write MIN..MAX, e.g. 300ms..600ms
          protocol: {window: [1, 2]}                      | protocol.window: must be a single value, not a list
          protocol: {window: }                            | protocol.window: has no value; give one or leave the field out
          protocol: 5                                     | protocol: must be a mapping of settings
          """)
  void refusesBadSectionsNamingTheField(String extra, String message) throws IOException {
    assertThat(refusal(THREE + extra + "\n")).startsWith(message);
  }

  @Test
  void refusesBadMembersNamingTheField() throws IOException {
    assertThat(
            refusal(
                """
                cluster: t
                members:
                  - {id: 1, address: 127.0.0.1:9001}
                  - {id: 1, address: 127.0.0.1:9002}
                """))
        .isEqualTo("members[1].id: 1 is also the id of members[0]; give each member its own");
    assertThat(
            refusal(
                """
                cluster: t
                members:
                  - {id: 1, address: 127.0.0.1:9001}
                  - {id: 2, address: 127.0.0.1:9001}
                """))
        .isEqualTo(
            "members[1].address: port 9001 on 127.0.0.1 is already the gRPC address of"
                + " members[0]; give each a port of its own");
    assertThat(
            refusal(
                """
                cluster: t
                members:
                  - {id: 1, address: 127.0.0.1:9001, http: 8080}
                  - {id: 2, address: 127.0.0.1:9002, http: 8080}
                """))
        .isEqualTo(
            "members[1].http: port 8080 on 127.0.0.1 is already the HTTP port of members[0];"
                + " give each a port of its own");
    assertThat(
            refusal(
                """
                cluster: t
                members:
                  - {id: 1, address: 127.0.0.1:9001, http: 9002}
                  - {id: 2, address: 127.0.0.1:9002}
                """))
        .isEqualTo(
            "members[1].address: port 9002 on 127.0.0.1 is already the HTTP port of members[0];"
                + " give each a port of its own");
    // The same port on two hosts is fine.
    assertThat(
            load("""
                    cluster: t
                    members:
                      - {id: 1, address: 10.0.0.1:9000, http: 8080}
                      - {id: 2, address: 10.0.0.2:9000, http: 8080}
                    """)
                .nodes())
        .hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {id: 1, address: 127.0.0.1:9001, roles: [leader]}      | members[0].roles[0]: unknown role 'leader'; use proposer, acceptor or learner
          {id: 1, address: 127.0.0.1:9001, roles: []}            | members[0].roles: list one or more of proposer, acceptor, learner
          {id: 1, address: 127.0.0.1:9001, roles: [learner, learner]} | members[0].roles: names learner twice
          {id: 1, address: 127.0.0.1:9001, role: [learner]}      | members[0].role: unknown field; the fields here are id, address, http, roles, data-dir, priority
          {address: 127.0.0.1:9001}                              | members[0].id: is missing; give each member a number from 1 to 65535
          {id: 0, address: 127.0.0.1:9001}                       | members[0].id: 0 is out of range; give 1 to 65535
          {id: -1, address: 127.0.0.1:9001}                      | members[0].id: -1 is out of range; give 1 to 65535
          {id: 65536, address: 127.0.0.1:9001}                   | members[0].id: 65536 is out of range; give 1 to 65535
          {id: 9223372036854775807, address: 127.0.0.1:9001}     | members[0].id: 9223372036854775807 is out of range
          {id: 99999999999999999999, address: 127.0.0.1:9001}    | members[0].id: '99999999999999999999' is not a whole number
          {id: 1}                                                | members[0].address: is missing
          {id: 1, address: 127.0.0.1}                            | members[0].address: endpoint '127.0.0.1' is missing a port
          {id: 1, address: 127.0.0.1:0}                          | members[0].address: port 0 of endpoint '127.0.0.1:0' is out of range
          {id: 1, address: 127.0.0.1:9001, http: 70000}          | members[0].http: 70000 is out of range; give 1 to 65535
          {id: 1, address: 127.0.0.1:9001, http: -1}             | members[0].http: -1 is out of range; give 1 to 65535
          {id: 1, address: 127.0.0.1:9001, priority: -1}         | members[0].priority: -1 is out of range; give 0 to 1000
          {id: 1, address: 127.0.0.1:9001, priority: 1001}       | members[0].priority: 1001 is out of range; give 0 to 1000
          {id: 1, address: 127.0.0.1:9001, priority: 9223372036854775807} | members[0].priority: 9223372036854775807 is out of range; give 0 to 1000
          {id: 1, address: 127.0.0.1:9001, priority: high}       | members[0].priority: 'high' is not a whole number
          """)
  void refusesABadMember(String member, String message) throws IOException {
    assertThat(
            refusal(
                "cluster: t\nmembers:\n  - " + member + "\n  - {id: 2, address: 127.0.0.1:9002}\n"))
        .startsWith(message);
  }

  @Test
  void refusesAClusterWithoutSomeRole() throws IOException {
    for (String role : List.of("proposer", "acceptor", "learner")) {
      List<String> others =
          Stream.of("proposer", "acceptor", "learner").filter(r -> !r.equals(role)).toList();
      String roles = String.join(", ", others);
      assertThat(
              refusal(
                  "cluster: t\nmembers:\n"
                      + "  - {id: 1, address: 127.0.0.1:9001, roles: ["
                      + roles
                      + "]}\n"
                      + "  - {id: 2, address: 127.0.0.1:9002, roles: ["
                      + roles
                      + "]}\n"))
          .isEqualTo(
              "members: no member has the "
                  + role
                  + " role; add "
                  + role
                  + " to some member's roles");
    }
  }

  @Test
  void refusesMalformedOrMissingStructure() throws IOException {
    assertThat(refusal("cluster: t\nmembers: []\n")).startsWith("members: list every member");
    assertThat(refusal("cluster: t\n")).startsWith("members: list every member");
    assertThat(refusal("members:\n  - {id: 1, address: h:1}\n")).isEqualTo("cluster: is missing");
    assertThat(refusal("cluster: ' '\nmembers:\n  - {id: 1, address: h:1}\n"))
        .isEqualTo("cluster: is blank; give the cluster a name");
    assertThat(refusal("- 1\n- 2\n"))
        .isEqualTo("the file must be a mapping with cluster: and members:");
    assertThat(refusal("")).isEqualTo("the file must be a mapping with cluster: and members:");
    assertThat(refusal("cluster: t\ncluster: u\n")).startsWith("not valid YAML");
    assertThat(refusal("cluster: [t\n")).startsWith("not valid YAML at line");
  }

  @Test
  void refusesAMissingOrHugeFile() throws IOException {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ClusterFile.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cannot read the cluster file "
                + missing
                + " (NoSuchFileException); give --config a readable YAML or JSON file");
    Path huge = write("huge.yaml", "#".repeat((int) ClusterFile.MAX_FILE_BYTES + 1));
    assertThatThrownBy(() -> ClusterFile.load(huge))
        .hasMessage(huge + ": the cluster file is larger than 1 MiB; is it the right file?");
  }
}
