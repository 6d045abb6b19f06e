package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paxos.core.Consistency;
import io.paxos.examples.Main;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.PaxosClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compose files under {@code deploy/compose} cannot drift from the server's real flags: each
 * node service's exact command line and environment (first start: {@code PAXOS_BOOTSTRAP_NEW=true})
 * are run as a local process, with what a container would map replaced the way compose maps it: the
 * mounted cluster file by a copy whose members' addresses are free ports of 127.0.0.1, the {@code
 * /data} volume by a folder, the listen address by 127.0.0.1. The cluster must elect a leader and
 * serve writes and reads, and no node may warn about a variable.
 */
class ComposeFilesTest {
  private static final Path COMPOSE = Path.of("deploy", "compose");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::-([^}]*))?}");
  private static final String CONTAINER_CONFIG = "/config/cluster.yaml";

  private record Service(String name, List<String> command, Map<String, String> env, Path file) {}

  @ParameterizedTest
  @ValueSource(strings = {"docker-compose.yml", "docker-compose-3-2-2.yml"})
  void everyNodeServiceRunsAsWrittenAndTheClusterServes(String compose, @TempDir Path dir)
      throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode services = yaml.readTree(COMPOSE.resolve(compose).toFile()).get("services");
    List<Service> nodes = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode s = e.getValue();
              if (s.has("command") && s.get("command").get(0).asText().equals("server")) {
                nodes.add(service(e.getKey(), s));
              }
            });
    assertThat(nodes).as(compose).hasSizeGreaterThanOrEqualTo(3);
    Path clusterFile = nodes.get(0).file();
    assertThat(nodes).allMatch(n -> n.file().equals(clusterFile));

    // The cluster file as the containers see it, its members moved to free ports of 127.0.0.1.
    ObjectNode cluster = (ObjectNode) yaml.readTree(clusterFile.toFile());
    Map<String, Endpoint> byHost = new LinkedHashMap<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (JsonNode m : cluster.get("members")) {
        String host = Endpoint.parse(m.get("address").asText()).host();
        Endpoint local = new Endpoint("127.0.0.1", freePort(held));
        byHost.put(host, local);
        ((ObjectNode) m).put("address", local.toString());
        ((ObjectNode) m).put("http", freePort(held));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    Path localFile = dir.resolve("cluster.yaml");
    yaml.writeValue(localFile.toFile(), cluster);
    for (Service n : nodes) {
      assertThat(byHost)
          .as("service %s is a member under its hostname", n.name())
          .containsKey(n.name());
    }

    List<Process> processes = new ArrayList<>();
    try {
      for (Service n : nodes) {
        processes.add(start(n, localFile, dir));
      }
      for (int i = 0; i < nodes.size(); i++) {
        Path log = dir.resolve(nodes.get(i).name() + ".log");
        Process p = processes.get(i);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> {
                  String text = Files.readString(log, StandardCharsets.UTF_8);
                  if (!p.isAlive()) {
                    throw new AssertionError("node exited: " + text);
                  }
                  return text.contains("READY node ");
                });
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
            .doesNotContain("which is not a setting")
            .doesNotContain("error:");
      }
      try (PaxosClient client =
          PaxosClient.builder()
              .endpoints(new ArrayList<>(byHost.values()))
              .timeout(Duration.ofSeconds(60))
              .build()) {
        ClusterWrites.put(client, 0, 20);
        byte[] read =
            client
                .read(KvCommand.get("k-19").encode(), Consistency.LINEARIZABLE)
                .get(90, TimeUnit.SECONDS);
        assertThat(KvResult.decode(read))
            .isEqualTo(new KvResult.Found("v-19".getBytes(StandardCharsets.UTF_8)));
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static Service service(String name, JsonNode s) {
    List<String> command = new ArrayList<>();
    s.get("command").forEach(a -> command.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    s.get("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText())));
    Path file = null;
    for (JsonNode v : s.get("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts[1].equals(CONTAINER_CONFIG)) {
        file = COMPOSE.resolve(parts[0]).normalize();
      }
    }
    assertThat(file)
        .as("service %s mounts its cluster file at %s", name, CONTAINER_CONFIG)
        .isNotNull();
    return new Service(name, command, env, file);
  }

  /** Compose's {@code ${VAR:-default}}, as on a first start: {@code PAXOS_BOOTSTRAP_NEW=true}. */
  private static String substitute(String value) {
    Map<String, String> shell = Map.of("PAXOS_BOOTSTRAP_NEW", "true");
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = shell.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Process start(Service n, Path localFile, Path dir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    for (String arg : n.command()) {
      command.add(arg.equals(CONTAINER_CONFIG) ? localFile.toString() : arg);
    }
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().keySet().removeIf(k -> k.startsWith("PAXOS_"));
    for (Map.Entry<String, String> e : n.env().entrySet()) {
      String value =
          switch (e.getKey()) {
            case "PAXOS_DATA_DIR" -> dir.resolve(n.name() + "-data").toString(); // the volume
            case "PAXOS_LISTEN" -> "127.0.0.1"; // the container's own interfaces
            case "JAVA_TOOL_OPTIONS" -> null; // the container's heap, not this test's
            default -> e.getValue();
          };
      if (value != null) {
        b.environment().put(e.getKey(), value);
      }
    }
    b.redirectOutput(dir.resolve(n.name() + ".log").toFile());
    return b.start();
  }

  private static int freePort(List<ServerSocket> held) throws IOException {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    held.add(s);
    return s.getLocalPort();
  }
}
