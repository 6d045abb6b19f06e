package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paxos.grpc.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/kubernetes/paxos-kv.yaml} agrees with itself and with the server's configuration
 * rules: its cluster file loads; every member is a pod of the StatefulSet under the headless
 * Service's DNS name, with id = ordinal + 1 (as the container's command computes it); the replicas
 * are the members; readiness asks {@code /health} on the members' HTTP port; the data directory is
 * on the volume claim; and the environment names only real settings.
 */
class KubernetesManifestTest {
  private static final Path MANIFEST = Path.of("deploy", "kubernetes", "paxos-kv.yaml");

  @Test
  void theStatefulSetAndTheClusterFileDescribeTheSameMembers(@TempDir Path dir) throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    try (MappingIterator<JsonNode> docs =
        new ObjectMapper(new YAMLFactory())
            .readerFor(JsonNode.class)
            .readValues(MANIFEST.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        byKind.put(doc.get("kind").asText(), doc);
      }
    }
    assertThat(byKind).containsKeys("ConfigMap", "Service", "StatefulSet");
    JsonNode configMap = byKind.get("ConfigMap");
    JsonNode service = byKind.get("Service");
    JsonNode sts = byKind.get("StatefulSet");

    // The cluster file loads under the server's own rules.
    Path clusterFile =
        Files.writeString(
            dir.resolve("cluster.yaml"), configMap.get("data").get("cluster.yaml").asText());
    ClusterFile file = ClusterFile.load(clusterFile);

    // Every member is pod <sts>-<ordinal>.<service>, id ordinal + 1; as many replicas as members.
    String stsName = sts.get("metadata").get("name").asText();
    String serviceName = service.get("metadata").get("name").asText();
    assertThat(service.get("spec").get("clusterIP").asText()).isEqualTo("None");
    assertThat(sts.get("spec").get("serviceName").asText()).isEqualTo(serviceName);
    int replicas = sts.get("spec").get("replicas").asInt();
    assertThat(file.nodes()).hasSize(replicas);
    JsonNode container = sts.get("spec").get("template").get("spec").get("containers").get(0);
    List<Integer> httpPorts = new ArrayList<>();
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      ClusterFile.Node node = file.node(ordinal + 1).orElseThrow();
      assertThat(node.address())
          .isEqualTo(
              Endpoint.parse(
                  stsName + "-" + ordinal + "." + serviceName + ":" + grpcPort(container)));
      httpPorts.add(node.http().getAsInt());
    }
    assertThat(httpPorts).containsOnly(containerPort(container, "http"));

    // The container computes its id from the pod name, and runs the server on the mounted file.
    String command =
        String.join(" ", texts(container.get("command")))
            + " "
            + String.join(" ", texts(container.get("args")));
    assertThat(command).contains("$(( ${HOSTNAME##*-} + 1 ))");
    Matcher config = Pattern.compile("server --config (\\S+)").matcher(command);
    assertThat(config.find()).isTrue();
    String configMount = mountPath(container, "config");
    assertThat(config.group(1)).isEqualTo(configMount + "/cluster.yaml");

    // Readiness is the node's /health on its HTTP port.
    JsonNode probe = container.get("readinessProbe").get("httpGet");
    assertThat(probe.get("path").asText()).isEqualTo("/health");
    assertThat(probe.get("port").asInt()).isEqualTo(containerPort(container, "http"));

    // The data directory lives on the volume claim, and every variable is a setting.
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.get("env")) {
      env.put(e.get("name").asText(), e.has("value") ? e.get("value").asText() : null);
      if (e.get("name").asText().startsWith("PAXOS_")) {
        assertThat(Setting.values())
            .extracting(Setting::env)
            .as("%s is a server setting", e.get("name").asText())
            .contains(e.get("name").asText());
      }
    }
    String claim =
        sts.get("spec").get("volumeClaimTemplates").get(0).get("metadata").get("name").asText();
    assertThat(env.get("PAXOS_DATA_DIR")).startsWith(mountPath(container, claim) + "/");
    JsonNode bootstrap = null;
    for (JsonNode e : container.get("env")) {
      if (e.get("name").asText().equals("PAXOS_BOOTSTRAP_NEW")) {
        bootstrap = e.get("valueFrom").get("configMapKeyRef");
      }
    }
    assertThat(bootstrap).as("PAXOS_BOOTSTRAP_NEW comes from the ConfigMap").isNotNull();
    assertThat(configMap.get("data").has(bootstrap.get("key").asText())).isTrue();
  }

  private static int grpcPort(JsonNode container) {
    return containerPort(container, "grpc");
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.get("ports")) {
      if (p.get("name").asText().equals(name)) {
        return p.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.get("volumeMounts")) {
      if (m.get("name").asText().equals(volume)) {
        return m.get("mountPath").asText();
      }
    }
    throw new AssertionError("no mount of volume " + volume);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
