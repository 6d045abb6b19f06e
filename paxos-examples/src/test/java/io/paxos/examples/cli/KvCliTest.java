package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paxos.core.config.ClusterConfig;
import io.paxos.examples.Main;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import io.paxos.grpc.client.PaxosClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kv} in this JVM against a 3-node key-value cluster over gRPC on loopback. */
class KvCliTest {
  private static final byte[] NO_INPUT = new byte[0];
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalCluster cluster;
  private static List<Endpoint> endpoints;

  @BeforeAll
  static void startCluster() {
    cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("kvcli", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    endpoints = cluster.endpoints();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static KvRun kv(String... args) {
    return KvRun.run(endpoints, NO_INPUT, args);
  }

  private static KvRun kvWithInput(byte[] stdin, String... args) {
    return KvRun.run(endpoints, stdin, args);
  }

  @Test
  void putGetDeletePrintOneLineEach() {
    KvRun put = kv("put", "colour", "blue");
    assertThat(put.exit()).as("%s", put).isZero();
    assertThat(put.lines()).containsExactly("OK");
    assertThat(put.err()).isEmpty();

    assertThat(kv("get", "colour").lines()).containsExactly("colour = blue");
    KvRun delete = kv("delete", "colour");
    assertThat(delete.exit()).isZero();
    assertThat(delete.lines()).containsExactly("OK");

    KvRun missing = kv("get", "colour");
    assertThat(missing.exit()).isZero();
    assertThat(missing.lines()).containsExactly("(not found)");
    KvRun deleteAgain = kv("del", "colour");
    assertThat(deleteAgain.exit()).isZero();
    assertThat(deleteAgain.lines()).containsExactly("(not found)");
  }

  @Test
  void jsonPrintsOneObjectPerResult() throws Exception {
    JsonNode first = single(kv("put", "j", "one", "--json"));
    assertThat(first.get("op").asText()).isEqualTo("put");
    assertThat(first.get("key").asText()).isEqualTo("j");
    assertThat(first.get("ok").asBoolean()).isTrue();
    assertThat(first.get("previous").isNull()).isTrue();
    assertThat(single(kv("put", "j", "two", "--json")).get("previous").asText()).isEqualTo("one");

    JsonNode got = single(kv("get", "j", "--json"));
    assertThat(got.get("found").asBoolean()).isTrue();
    assertThat(got.get("value").asText()).isEqualTo("two");

    JsonNode deleted = single(kv("delete", "j", "--json"));
    assertThat(deleted.get("deleted").asBoolean()).isTrue();
    assertThat(deleted.get("previous").asText()).isEqualTo("two");
    assertThat(single(kv("delete", "j", "--json")).get("deleted").asBoolean()).isFalse();

    JsonNode missing = single(kv("get", "j", "--json"));
    assertThat(missing.get("found").asBoolean()).isFalse();
    assertThat(missing.has("value")).isFalse();
  }

  @Test
  void binaryValuesFromStdinOrAFileArePrintedSafely(@TempDir Path dir) throws Exception {
    byte[] binary = {0, 1, (byte) 0xFF, '\n', 'x'};
    KvRun put = kvWithInput(binary, "put", "bin", "-");
    assertThat(put.exit()).as("%s", put).isZero();

    assertThat(kv("get", "bin").lines()).containsExactly("bin = base64:AAH/Cng=");
    assertThat(single(kv("get", "bin", "--json")).get("valueBase64").asText())
        .isEqualTo("AAH/Cng=");
    KvRun raw = kv("get", "bin", "--raw");
    assertThat(raw.raw()).isEqualTo(binary);
    assertThat(raw.out()).isEmpty();

    Path file = dir.resolve("value");
    Files.write(file, "line one\nline two".getBytes(StandardCharsets.UTF_8));
    assertThat(kv("put", "lines", "--value-file", file.toString()).exit()).isZero();
    // Valid UTF-8 but two lines: Base64 in text (one value, one line), a string in JSON.
    assertThat(kv("get", "lines").lines())
        .containsExactly("lines = base64:bGluZSBvbmUKbGluZSB0d28=");
    assertThat(single(kv("get", "lines", "--json")).get("value").asText())
        .isEqualTo("line one\nline two");

    // Text that looks like the marker is shown in Base64 too, so the output is never ambiguous.
    assertThat(kv("put", "tricky", "base64:AAAA").exit()).isZero();
    assertThat(kv("get", "tricky").lines()).containsExactly("tricky = base64:YmFzZTY0OkFBQUE=");

    assertThat(kv("put", "unicode", "grüße\tτ").exit()).isZero();
    assertThat(kv("get", "unicode").lines()).containsExactly("unicode = grüße\tτ");
  }

  @Test
  void casSetsOnlyWhatItExpectsAndExitsFiveOtherwise(@TempDir Path dir) throws Exception {
    assertThat(kv("cas", "c", "--expect-absent", "first").lines()).containsExactly("OK");

    KvRun taken = kv("cas", "c", "--expect-absent", "again");
    assertThat(taken.exit()).as("%s", taken).isEqualTo(Exits.CAS_FAILED);
    assertThat(taken.errLines()).containsExactly("kv cas: not set: c holds first");
    assertThat(taken.out()).isEmpty();

    assertThat(kv("cas", "c", "--expect", "first", "second").exit()).isZero();
    assertThat(kv("get", "c").lines()).containsExactly("c = second");

    KvRun wrong = kv("cas", "c", "--expect", "first", "third", "--json");
    assertThat(wrong.exit()).isEqualTo(Exits.CAS_FAILED);
    assertThat(wrong.errLines()).hasSize(1);
    JsonNode outcome = JSON.readTree(wrong.out());
    assertThat(outcome.get("swapped").asBoolean()).isFalse();
    assertThat(outcome.get("previous").asText()).isEqualTo("second");

    Path expected = dir.resolve("expected");
    Files.write(expected, "second".getBytes(StandardCharsets.UTF_8));
    byte[] binary = {0, (byte) 0xFE};
    KvRun fromFiles =
        kvWithInput(binary, "cas", "c", "--expect-file", expected.toString(), "-", "--json");
    JsonNode swapped = single(fromFiles);
    assertThat(swapped.get("swapped").asBoolean()).isTrue();
    assertThat(kv("get", "c", "--raw").raw()).isEqualTo(binary);

    KvRun absentButThere = kv("cas", "c", "--expect-absent", "x");
    assertThat(absentButThere.err()).startsWith("kv cas: not set: c holds base64:AP4=");

    assertThat(kv("delete", "c").exit()).isZero();
    KvRun gone = kv("cas", "c", "--expect", "anything", "x");
    assertThat(gone.exit()).isEqualTo(Exits.CAS_FAILED);
    assertThat(gone.errLines()).containsExactly("kv cas: not set: c has no value");

    for (String[] bad :
        List.of(
            new String[] {"cas", "c", "x"},
            new String[] {"cas", "c", "--expect", "a", "--expect-absent", "x"},
            new String[] {"cas", "c", "--expect", "a"})) {
      KvRun run = kv(bad);
      assertThat(run.exit()).as("%s", run).isEqualTo(Exits.USAGE);
      assertThat(run.errLines()).hasSize(1);
    }
    assertThat(kv("get", "c").lines()).containsExactly("(not found)");
  }

  @Test
  void scanListsAPrefixInOrderPageByPage() throws Exception {
    for (String key : List.of("scan/b", "scan/a", "scan/c", "scanner", "other")) {
      assertThat(kv("put", key, "v-" + key).exit()).isZero();
    }
    assertThat(kv("scan", "scan/").lines())
        .containsExactly("scan/a = v-scan/a", "scan/b = v-scan/b", "scan/c = v-scan/c");
    assertThat(kv("scan", "scan/", "--limit", "2").lines())
        .containsExactly("scan/a = v-scan/a", "scan/b = v-scan/b", "(more: --after scan/b)");
    assertThat(kv("scan", "scan/", "--after", "scan/b").lines())
        .containsExactly("scan/c = v-scan/c");
    assertThat(kv("scan", "scan", "--consistency", "stale", "--after", "scan/c").lines())
        .containsExactly("scanner = v-scanner");
    assertThat(kv("scan", "no-such-prefix/").lines()).containsExactly("(no keys)");

    KvRun json = kv("scan", "scan/", "--limit", "2", "--json");
    List<JsonNode> objects = new ArrayList<>();
    for (String line : json.lines()) {
      objects.add(JSON.readTree(line));
    }
    assertThat(objects).hasSize(3);
    assertThat(objects.get(0).get("key").asText()).isEqualTo("scan/a");
    assertThat(objects.get(0).get("value").asText()).isEqualTo("v-scan/a");
    assertThat(objects.get(2).get("more").asBoolean()).isTrue();
    assertThat(objects.get(2).get("after").asText()).isEqualTo("scan/b");

    // More keys than one page holds: kv asks page after page.
    int keys = KvCommand.MAX_SCAN_LIMIT + 5;
    try (PaxosClient client = PaxosClient.builder().endpoints(endpoints).build()) {
      List<CompletableFuture<byte[]>> puts = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        puts.add(client.submit(KvCommand.put(String.format("page/%05d", i), "p").encode()));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    List<String> all = kv("scan", "page/", "--limit", "5000").lines();
    assertThat(all).hasSize(keys);
    assertThat(all.get(keys - 1)).isEqualTo(String.format("page/%05d = p", keys - 1));
    assertThat(kv("scan", "page/", "--limit", String.valueOf(keys - 1)).lines())
        .hasSize(keys)
        .endsWith(String.format("(more: --after page/%05d)", keys - 2));

    for (String limit : List.of("0", "-1", String.valueOf(ScanCommand.MAX_LIMIT + 1), "x")) {
      KvRun bad = kv("scan", "scan/", "--limit", limit);
      assertThat(bad.exit()).as("%s", bad).isEqualTo(Exits.USAGE);
      assertThat(bad.errLines()).hasSize(1);
    }
  }

  @Test
  void everyConsistencyReadsTheValue() {
    assertThat(kv("put", "level", "high").exit()).isZero();
    for (String level : List.of("linearizable", "sequential", "stale")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                KvRun got = kv("get", "level", "--consistency", level);
                assertThat(got.exit()).as("%s", got).isZero();
                assertThat(got.lines()).as(level).containsExactly("level = high");
              });
    }
  }

  @Test
  void statusShowsEveryMemberAndTheLeader() throws Exception {
    int leader = cluster.awaitLeader(Duration.ofSeconds(30)).id();
    KvRun status = kv("status");
    assertThat(status.exit()).as("%s", status).isZero();
    List<String> lines = status.lines();
    assertThat(lines.get(0)).isEqualTo("cluster kvcli: 3 members, leader node " + leader);
    assertThat(lines.get(1))
        .startsWith("NODE")
        .contains("ROLES", "LEADER", "APPLIED", "STATE HASH", "STATE");
    assertThat(lines).hasSize(5);
    for (int id = 1; id <= 3; id++) {
      String row = lines.get(id + 1);
      assertThat(row)
          .startsWith(id + " ")
          .contains(endpoints.get(id - 1).toString(), "proposer,acceptor,learner", "serving")
          .contains(id == leader ? " yes " : " no ");
    }

    JsonNode json = single(kv("status", "--json"));
    assertThat(json.get("cluster").asText()).isEqualTo("kvcli");
    assertThat(json.get("leader").asInt()).isEqualTo(leader);
    assertThat(json.get("members")).hasSize(3);
    JsonNode second = json.get("members").get(1);
    assertThat(second.get("id").asInt()).isEqualTo(2);
    assertThat(second.get("address").asText()).isEqualTo(endpoints.get(1).toString());
    assertThat(second.get("reachable").asBoolean()).isTrue();
    assertThat(second.get("serving").asBoolean()).isTrue();
    assertThat(second.get("leader").asBoolean()).isEqualTo(leader == 2);
    assertThat(second.get("appliedSlot").asLong()).isNotNegative();
    assertThat(second.get("learnerOnly").asBoolean()).isFalse();

    // Replicas that applied the same slots report the same digest of their state.
    assertThat(kv("put", "hashed", "yes").exit()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode members = single(kv("status", "--json")).get("members");
              assertThat(members).allMatch(m -> m.has("stateHash"));
              assertThat(members.get(1).get("stateHash"))
                  .isEqualTo(members.get(0).get("stateHash"));
              assertThat(members.get(2).get("stateHash"))
                  .isEqualTo(members.get(0).get("stateHash"));
              assertThat(members.get(0).get("stateHashSlot").asLong()).isPositive();
            });
    assertThat(kv("status").lines().get(2)).containsPattern(" [0-9a-f]+@[0-9]+ ");
  }

  @Test
  void anUnreachableClusterExitsWithOneLine() throws Exception {
    List<Endpoint> nowhere = List.of(KvRun.nowhere());
    for (String[] args :
        List.of(
            new String[] {"get", "k", "--timeout", "1s"},
            new String[] {"put", "k", "v", "--timeout", "1s"},
            new String[] {"status", "--timeout", "1s", "--json"})) {
      KvRun run = KvRun.run(nowhere, NO_INPUT, args);
      assertThat(run.exit()).as("%s", run).isEqualTo(Exits.UNREACHABLE);
      assertThat(run.errLines()).hasSize(1);
      assertThat(run.err())
          .startsWith("kv " + args[0] + ": ")
          .contains("cannot reach the cluster")
          .contains(nowhere.get(0).toString());
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void aClusterWithoutAQuorumTimesOutWithItsOwnExitCode() {
    try (LocalCluster minority =
        LocalCluster.builder()
            .config(ClusterConfig.of("minority", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .start()) {
      minority.awaitLeader(Duration.ofSeconds(30));
      minority.stop(2);
      minority.stop(3);
      KvRun put =
          KvRun.run(
              List.of(minority.endpoints().get(0)), NO_INPUT, "put", "k", "v", "--timeout", "2s");
      assertThat(put.exit()).as("%s", put).isEqualTo(Exits.TIMED_OUT);
      assertThat(put.errLines()).hasSize(1);
      assertThat(put.err()).startsWith("kv put: timed out after 2s: ").contains("may or may not");
      assertThat(put.out()).isEmpty();
    }
  }

  @Test
  void badInputExitsTwoWithOneLineAndSendsNothing() {
    String atLimit = "k".repeat(KvAction.MAX_KEY_BYTES);
    assertThat(kv("put", atLimit, "fits").exit()).isZero();
    assertThat(kv("get", atLimit).lines()).containsExactly(atLimit + " = fits");

    String overLimit = "k".repeat(KvAction.MAX_KEY_BYTES + 1);
    String overLimitInUtf8 = "é".repeat(KvAction.MAX_KEY_BYTES / 2 + 1); // 2 bytes each
    List<String[]> bad = new ArrayList<>();
    bad.add(new String[] {"get"});
    bad.add(new String[] {"put", "onlykey"});
    bad.add(new String[] {"put", overLimit, "v"});
    bad.add(new String[] {"get", overLimitInUtf8});
    bad.add(new String[] {"put", "", "v"});
    bad.add(new String[] {"put", "k", "v", "--value-file", "/no/such/file"});
    bad.add(new String[] {"put", "k", "--value-file", "/no/such/file"});
    bad.add(new String[] {"get", "k", "--consistency", "strong"});
    bad.add(new String[] {"get", "k", "--timeout", "0"});
    bad.add(new String[] {"get", "k", "--timeout", "-1s"});
    bad.add(new String[] {"get", "k", "--timeout", "9223372036854775807s"});
    bad.add(new String[] {"get", "k", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
    bad.add(new String[] {"get", "k", "--tls-ca", "/no/such/ca.pem"});
    bad.add(new String[] {"get", "k", "--tls-ca", "/no/such/ca.pem", "--tls-cert", "c.pem"});
    bad.add(new String[] {"get", "k", "--raw", "--json"});
    bad.add(new String[] {"get", "k", "--no-such-option"});
    bad.add(new String[] {"frobnicate"});
    bad.add(new String[] {});
    for (String[] args : bad) {
      KvRun run = kv(args);
      assertThat(run.exit()).as("kv %s: %s", String.join(" ", args), run).isEqualTo(Exits.USAGE);
      assertThat(run.errLines()).as("kv %s", String.join(" ", args)).hasSize(1);
      assertThat(run.err()).startsWith("kv");
      assertThat(run.out()).isEmpty();
    }
    assertThat(kv("get", "onlykey").lines()).containsExactly("(not found)");
    assertThat(kv("get", "k").lines()).containsExactly("(not found)");

    KvRun badEndpoints = KvRun.runRaw(NO_INPUT, "get", "k", "--endpoints", "nohost");
    assertThat(badEndpoints.exit()).isEqualTo(Exits.USAGE);
    assertThat(badEndpoints.err()).contains("--endpoints", "missing a port");
  }

  @Test
  void aValueTheClusterFindsTooLargeIsRefusedAndNotWritten() {
    byte[] huge = new byte[(1 << 20) + 1]; // above the default maxCommandBytes, 1 MiB
    KvRun put = kvWithInput(huge, "put", "huge", "-");
    assertThat(put.exit()).as("%s", put).isEqualTo(Exits.USAGE);
    assertThat(put.errLines()).hasSize(1);
    assertThat(put.err()).startsWith("kv put: refused:");
    assertThat(kv("get", "huge").lines()).containsExactly("(not found)");
  }

  @Test
  void mainRunsKvAsASubcommand() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String list = String.join(",", endpoints.stream().map(Endpoint::toString).toList());
    assertThat(cl.execute("kv", "put", "via-main", "yes", "--endpoints", list)).isZero();
    assertThat(out.toString().lines()).containsExactly("OK");

    assertThat(cl.execute("kv", "get")).isEqualTo(Exits.USAGE);
    assertThat(err.toString().lines())
        .containsExactly("kv get: Missing required parameter: 'KEY' (see kv get --help)");
  }

  private static JsonNode single(KvRun run) throws Exception {
    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(run.lines()).as("%s", run).hasSize(1);
    return JSON.readTree(run.out());
  }
}
