package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key-value servers in this JVM, configured as the {@code server} command would be, sharing a
 * cluster secret through {@code --cluster-secret-file}: the cluster serves; a member started with
 * another secret is refused by every peer (and refuses them) so it learns nothing, and once
 * restarted with the right secret it catches up.
 */
class ClusterSecretClusterTest {
  @TempDir Path dir;
  private final Map<Integer, KvServer> servers = new LinkedHashMap<>();
  private ServerProcesses file;

  @AfterEach
  void stop() {
    servers.values().forEach(KvServer::close);
  }

  private KvServer start(int id, Path secret) {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, file.config.toString());
    flags.put(Setting.ID, Integer.toString(id));
    flags.put(Setting.CLUSTER_SECRET_FILE, secret.toString());
    flags.put(Setting.BOOTSTRAP_NEW, "true");
    flags.put(Setting.LOG_LEVEL, "warn");
    KvServer s = KvServer.start(ConfigResolver.resolve(flags, Map.of(), w -> {}));
    servers.put(id, s);
    return s;
  }

  private long refusedPeerStreams(int... ids) {
    long n = 0;
    for (int id : ids) {
      n += servers.get(id).node().server().refusedPeerStreams();
    }
    return n;
  }

  @Test
  void membersSharingTheSecretServeAndAMemberWithAnotherSecretIsRefused() throws Exception {
    file =
        new ServerProcesses(
            dir,
            "secret",
            Map.of(
                1,
                "[proposer, acceptor, learner]",
                2,
                "[proposer, acceptor, learner]",
                3,
                "[proposer, acceptor, learner]",
                4,
                "[learner]"),
            "protocol: {heartbeat-interval: 20ms, election-timeout: 200ms..400ms, command-timeout:"
                + " 2s}\n");
    Path right = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef\n");
    Path wrong = Files.writeString(dir.resolve("other"), "fedcba9876543210fedcba9876543210\n");
    for (int id = 1; id <= 3; id++) {
      start(id, right);
    }
    ClusterWrites.leader(file, 1, 2, 3);
    try (PaxosClient client =
        PaxosClient.builder()
            .endpoints(file.endpoints().subList(0, 3))
            .timeout(Duration.ofSeconds(30))
            .build()) {
      ClusterWrites.put(client, 0, 20);
      long refusedBefore = refusedPeerStreams(1, 2, 3);

      KvServer stranger = start(4, wrong);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  refusedPeerStreams(1, 2, 3) > refusedBefore
                      && stranger.node().server().refusedPeerStreams() > 0);
      ClusterWrites.put(client, 20, 20);
      assertThat(stranger.node().node().status().appliedSlot()).isZero();

      servers.remove(4).close();
      KvServer member = start(4, right);
      long target = servers.get(1).node().node().status().appliedSlot();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> member.node().node().status().appliedSlot() >= target);
    }
  }
}
