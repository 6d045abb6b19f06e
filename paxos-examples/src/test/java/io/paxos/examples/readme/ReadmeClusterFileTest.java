package io.paxos.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.server.ClusterFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's cluster file is the shipped {@code config/local-3.yaml} (without its comment
 * header), so a change to one that forgets the other fails here, and the file the README shows
 * loads.
 */
class ReadmeClusterFileTest {
  private static final Path ROOT = Path.of("..");
  private static final Path LOCAL_3 = ROOT.resolve("paxos-examples/config/local-3.yaml");

  @Test
  void theReadmeShowsTheShippedLocalThreeFile() throws IOException {
    String shipped =
        Files.readAllLines(LOCAL_3).stream()
            .dropWhile(line -> line.startsWith("#"))
            .collect(Collectors.joining("\n", "", "\n"));
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertThat(shipped).startsWith("cluster: local-3\n");
    assertThat(readme).contains("```yaml\n" + shipped + "```");
  }

  @Test
  void theShippedFilesLoad() throws IOException {
    for (String name : new String[] {"local-3.yaml", "local-3-2-2.yaml", "local-5-5-2.yaml"}) {
      ClusterFile file = ClusterFile.load(ROOT.resolve("paxos-examples/config").resolve(name));
      assertThat(file.endpoints()).as(name).hasSizeGreaterThanOrEqualTo(3);
    }
  }
}
