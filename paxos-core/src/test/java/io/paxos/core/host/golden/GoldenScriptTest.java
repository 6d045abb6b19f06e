package io.paxos.core.host.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The golden script interpreter itself: it names the file and line of a bad script, its rewrite is
 * stable, and its outputs expose a broken host (a storage thread that reports writes done before
 * they are durable changes what every script prints).
 */
class GoldenScriptTest {

  private static GoldenScript.Result run(String text) {
    return GoldenScript.parse("t.txt", text).run(false);
  }

  @Test
  @DisplayName("an unknown command fails naming the file and line")
  void unknownCommand() {
    assertThatThrownBy(() -> run("nodes 3\n----\nok\n\n# a comment\nfrobnicate 1\n----\n"))
        .isInstanceOf(ScriptException.class)
        .hasMessage("t.txt:6: unknown command 'frobnicate'");
  }

  @Test
  @DisplayName("a bad argument fails naming the file, the line and the argument")
  void badArguments() {
    String start = "nodes 3\n----\nok\n\n";
    assertThatThrownBy(() -> run(start + "tick 1 at=soon\n----\n"))
        .hasMessage("t.txt:5: at: expected a number, got 'soon'");
    assertThatThrownBy(() -> run(start + "tick 1 at=-1\n----\n"))
        .hasMessage("t.txt:5: at must not be negative, was -1");
    assertThatThrownBy(() -> run(start + "process 4\n----\n"))
        .hasMessage("t.txt:5: no node 4 (nodes: [1, 2, 3])");
    assertThatThrownBy(() -> run(start + "deliver 1-2\n----\n"))
        .hasMessage("t.txt:5: expected FROM->TO (a node id or *), got '1-2'");
    assertThatThrownBy(() -> run(start + "crash 1 keep=1\n----\n"))
        .hasMessage("t.txt:5: keep=1 is outside 0..0 (the writes made since the last sync)");
    assertThatThrownBy(() -> run(start + "compact 1 1\n----\n"))
        .hasMessage("t.txt:5: node 1 can snapshot slots 1..0 (delivered), not 1");
    assertThatThrownBy(() -> run(start + "force 1 when=now\n----\n"))
        .hasMessage("t.txt:5: force: unknown argument 'when='");
    assertThatThrownBy(() -> run(start + "tick 1 at=" + Long.MAX_VALUE + "0\n----\n"))
        .hasMessageStartingWith("t.txt:5: at: expected a number");
    assertThatThrownBy(() -> run("nodes 1 2:x\n----\n"))
        .hasMessage("t.txt:1: unknown role 'x' in '2:x' (roles: p, a, l)");
    assertThatThrownBy(() -> run(start + "submit 1 x session=no\n----\n"))
        .hasMessage("t.txt:5: submit: session=yes or nothing, not session=no");
    assertThatThrownBy(() -> run(start + "read 1 soon\n----\n"))
        .hasMessage("t.txt:5: read NODE [lease]: expected a node id, then 'lease' or nothing");
    assertThatThrownBy(() -> run("nodes 3 lease=300\n----\n"))
        .hasMessageStartingWith("t.txt:1: lease=300: ");
    assertThatThrownBy(() -> run("status\n----\n"))
        .hasMessage("t.txt:1: status: start the cluster with 'nodes' first");
  }

  @Test
  @DisplayName("a storage thread makes no writes while it forces a group")
  void noWriteDuringAForce() {
    String script = "nodes 3\n----\n\ntick 1 at=300\n----\n\nwrite 1\n----\n\nwrite 1\n----\n";
    assertThatThrownBy(() -> run(script))
        .hasMessage(
            "t.txt:10: node 1's storage thread is forcing #1: 'force 1' completes it first");
  }

  @Test
  @DisplayName("time never goes back")
  void timeForwardOnly() {
    assertThatThrownBy(() -> run("nodes 3\n----\n\ntick 1 at=300\n----\n\ntick 2 at=299\n----\n"))
        .hasMessage("t.txt:7: time goes forward only: at=299 is before 300");
  }

  @Test
  @DisplayName("a command without ---- after it fails naming its line")
  void missingSeparator() {
    assertThatThrownBy(() -> run("# header\nnodes 3\nstatus\n----\n"))
        .hasMessage("t.txt:2: expected ---- after the command 'nodes 3'");
  }

  @Test
  @DisplayName("a rewritten script keeps comments and commands and matches itself on a rerun")
  void rewriteIsStable() {
    String script = "# header\n\nnodes 3\n----\nstale output\n\ntick 1 at=300\n----\n";
    GoldenScript.Result first = run(script);
    assertThat(first.firstMismatch()).isNotNull();
    assertThat(first.firstMismatch().where()).isEqualTo("t.txt:3");
    assertThat(first.text())
        .isEqualTo(
            "# header\n\nnodes 3\n----\nok\n\ntick 1 at=300\n----\nn1 queue #1: round 1, sync\n");
    GoldenScript.Result again = run(first.text());
    assertThat(again.firstMismatch()).isNull();
    assertThat(again.text()).isEqualTo(first.text());
  }

  @Test
  @DisplayName(
      "a storage thread that reports writes done before the force sends the Prepare before the"
          + " round is durable, and the golden output shows it")
  void brokenWriterChangesTheOutput() throws IOException {
    Path file = GoldenInteractionTest.DIRECTORY.resolve("01-a-value-is-chosen.txt");
    GoldenScript script =
        GoldenScript.parse(file.getFileName().toString(), GoldenInteractionTest.read(file));
    assertThat(script.run(false).firstMismatch()).as("the checked-in output").isNull();

    GoldenScript.Mismatch broken = script.run(true).firstMismatch();
    assertThat(broken).isNotNull();
    assertThat(broken.command()).isEqualTo("tick 1 at=300");
    assertThat(broken.expected()).containsExactly("n1 queue #1: round 1, sync");
    // The Prepare leaves in the same turn as the round it depends on, unforced: the durability
    // check flags each copy.
    assertThat(broken.actual())
        .containsExactly(
            "n1 queue #1: round 1, sync",
            "loopback 1->1 Prepare b=1.1 from-slot=1",
            "VIOLATION n1 sent it, but round 1 is not durable",
            "send 1->2 Prepare b=1.1 from-slot=1",
            "VIOLATION n1 sent it, but round 1 is not durable",
            "send 1->3 Prepare b=1.1 from-slot=1",
            "VIOLATION n1 sent it, but round 1 is not durable");
  }

  @Test
  @DisplayName(
      "every checked-in script prints something else, and a durability violation, with a broken"
          + " storage thread")
  void everyScriptExposesTheBrokenWriter() throws IOException {
    for (Path file : GoldenInteractionTest.scripts()) {
      GoldenScript script =
          GoldenScript.parse(file.getFileName().toString(), GoldenInteractionTest.read(file));
      GoldenScript.Result broken = script.run(true);
      assertThat(broken.firstMismatch()).as(file.toString()).isNotNull();
      assertThat(broken.text()).as(file.toString()).contains(DurabilityCheck.MARK);
    }
  }
}
