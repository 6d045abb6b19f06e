package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/failure-scenarios.sh}, short (faults held 1 s), on a 3-node cluster file with free
 * ports: every scenario runs, the cluster serves again after each, no acknowledged write is lost,
 * the nodes' oplogs agree on every slot they share, and the script exits 0 and leaves no node
 * running.
 */
class FailureScenariosScriptTest {
  private static final Path SCRIPT = Path.of("scripts", "failure-scenarios.sh").toAbsolutePath();

  @Test
  void everyScenarioServesAgainAndLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id = 1; id <= 3; id++) {
      roles.put(id, "[proposer, acceptor, learner]");
    }
    ServerProcesses layout = new ServerProcesses(dir, "scenarios", roles, "");
    Path clusterDir = dir.resolve("run");
    ScriptRun.Result r =
        ScriptRun.run(
            SCRIPT,
            dir,
            List.of(
                "--config",
                layout.config.toString(),
                "--dir",
                clusterDir.toString(),
                "--hold",
                "1000"));
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("scenario", "acked during", "lost", "served again after")
        .containsPattern("kill the leader +\\d+ +\\d+ +0 +\\d+ ms")
        .containsPattern("kill an acceptor +\\d+ +\\d+ +0 +\\d+ ms")
        .containsPattern("kill a learner +\\d+ +\\d+ +0 +\\d+ ms")
        .containsPattern("kill a minority \\[\\d+] +\\d+ +\\d+ +0 +\\d+ ms")
        .containsPattern("pause the leader +\\d+ +\\d+ +0 +\\d+ ms")
        .containsPattern("restart everything +all +\\d+ +0 +\\d+ ms")
        .containsPattern("\\d+ writes acknowledged in all, 0 of them lost")
        // Every learner's oplog, compared once the cluster stopped: no slot applied differently.
        .containsPattern(
            "3 oplogs agree: [1-9]\\d* slots held by two or more compared, none differs \\(oplog-1.txt"
                + " through \\d+, oplog-2.txt through \\d+, oplog-3.txt through \\d+\\)");
    // The script stops its cluster on the way out.
    assertThat(
            ScriptRun.run(
                    Path.of("scripts", "cluster.sh").toAbsolutePath(),
                    dir,
                    List.of(
                        "status",
                        "--config",
                        layout.config.toString(),
                        "--dir",
                        clusterDir.toString()))
                .out())
        .contains("node 1: not running", "node 2: not running", "node 3: not running");
  }
}
