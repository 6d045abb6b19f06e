package io.paxos.core.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's "Embed it" and "Testing your own state machine" code is this package's code: it
 * compiles, runs, and is quoted exactly.
 */
class ReadmeExampleTest {
  private static final Path ROOT = Path.of("..");

  @ParameterizedTest
  @CsvSource({
    "counter, Counter.java",
    "cluster, CounterCluster.java",
    "typed-counter, TypedCounter.java",
    "typed-cluster, TypedCounterCluster.java",
    "ledger, Ledger.java",
    "ledger-simulation, LedgerSimulationTest.java"
  })
  void theReadmeQuotesTheCompiledExampleVerbatim(String name, String file) throws IOException {
    String source =
        Files.readString(
            ROOT.resolve("paxos-core/src/test/java/io/paxos/core/readme").resolve(file));
    String example =
        between(source, "// README:" + name + ":start\n", "// README:" + name + ":end");
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(example).isNotBlank();
    assertThat(readme).contains("```java\n" + example + "```");
  }

  /** The typed version of "Embed it", quoted by docs/embedding.md (the README's draft of it). */
  @ParameterizedTest
  @CsvSource({"typed-counter, TypedCounter.java", "typed-cluster, TypedCounterCluster.java"})
  void theEmbeddingDocQuotesTheTypedExampleVerbatim(String name, String file) throws IOException {
    String source =
        Files.readString(
            ROOT.resolve("paxos-core/src/test/java/io/paxos/core/readme").resolve(file));
    String example =
        between(source, "// README:" + name + ":start\n", "// README:" + name + ":end");
    String doc = Files.readString(ROOT.resolve("docs/embedding.md"));
    assertThat(example).isNotBlank();
    assertThat(doc).contains("```java\n" + example + "```");
  }

  /** "Testing your own state machine", quoted by docs/testing-state-machines.md. */
  @ParameterizedTest
  @CsvSource({"ledger, Ledger.java", "ledger-simulation, LedgerSimulationTest.java"})
  void theTestingDocQuotesTheLedgerAndItsSimulationVerbatim(String name, String file)
      throws IOException {
    String source =
        Files.readString(
            ROOT.resolve("paxos-core/src/test/java/io/paxos/core/readme").resolve(file));
    String example =
        between(source, "// README:" + name + ":start\n", "// README:" + name + ":end");
    String doc = Files.readString(ROOT.resolve("docs/testing-state-machines.md"));
    assertThat(example).isNotBlank();
    assertThat(doc).contains("```java\n" + example + "```");
  }

  @Test
  void theExampleReplicatesAndReadsItsOwnWrite() throws Exception {
    assertThat(CounterCluster.addAndRead(5)).isEqualTo(5);
  }

  @Test
  void theTypedExampleReplicatesAndReadsItsOwnWrite() throws Exception {
    assertThat(TypedCounterCluster.addAndRead(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    assertThat(from).as("marker " + start.strip()).isNotNegative();
    assertThat(to).as("marker " + end).isGreaterThan(from);
    return text.substring(from + start.length(), to);
  }
}
