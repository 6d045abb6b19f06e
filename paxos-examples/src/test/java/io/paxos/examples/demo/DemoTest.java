package io.paxos.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoTest {
  @Test
  void theDemoSurvivesTheLeaderCrashAndTheSurvivorsAgree() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoReport report =
        new Demo(3, 400, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertThat(report.acknowledged()).isEqualTo(400);
    assertThat(report.secondLeader()).isNotEqualTo(report.firstLeader());
    assertThat(report.stateHashes()).hasSize(2);
    assertThat(report.survivorsAgree()).isTrue();
    assertThat(report.keys()).isEqualTo(400);
    assertThat(output)
        .contains("crashing the leader, node " + report.firstLeader())
        .contains("node " + report.secondLeader() + " leads (took over")
        .contains("All surviving nodes agree on the same state.");
  }

  @Test
  void nonsenseOptionsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> new Demo(2, 100, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--nodes must be between 3 and 9");
    assertThatThrownBy(() -> new Demo(3, 5, System.out))
        .hasMessageContaining("--writes must be between 10 and 1000000");
    int exit = new CommandLine(new io.paxos.examples.Main()).execute("demo", "--nodes", "x");
    assertThat(exit).isNotZero();
  }
}
