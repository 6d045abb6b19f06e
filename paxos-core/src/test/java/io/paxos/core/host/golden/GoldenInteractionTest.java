package io.paxos.core.host.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every golden interaction script in {@code src/test/resources/interactions/*.txt} (see {@link
 * ScriptInterpreter} for the commands, {@link GoldenScript} for the file format) and compares what
 * the nodes did, line by line, with the output checked in under each command.
 *
 * <p>After a change to the protocol or the host that changes what nodes do, regenerate the outputs
 * and review the diff before committing it:
 *
 * <pre>
 * ./mvnw -B -q -pl paxos-core test -Dtest=GoldenInteractionTest -Dpaxos.golden.rewrite=true
 * git diff paxos-core/src/test/resources/interactions
 * </pre>
 *
 * See docs/how-a-value-is-chosen.md for a walk through the scripts.
 */
class GoldenInteractionTest {
  static final Path DIRECTORY = Path.of("src", "test", "resources", "interactions");
  static final boolean REWRITE = Boolean.getBoolean("paxos.golden.rewrite");

  static List<Path> scripts() throws IOException {
    if (!Files.isDirectory(DIRECTORY)) {
      fail(
          "golden scripts are read (and rewritten) in "
              + DIRECTORY.toAbsolutePath()
              + ": run the tests from the paxos-core directory, as Maven does");
    }
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      List<Path> scripts = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
      if (scripts.isEmpty()) {
        fail("no golden scripts in " + DIRECTORY.toAbsolutePath());
      }
      return scripts;
    }
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @TestFactory
  Stream<DynamicTest> everyScript() throws IOException {
    return scripts().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      String name = "interactions/" + file.getFileName();
                      String text = read(file);
                      GoldenScript.Result result = GoldenScript.parse(name, text).run(false);
                      assertThat(result.text())
                          .as("%s: a message left before what it claims was durable", name)
                          .doesNotContain(DurabilityCheck.MARK);
                      if (REWRITE) {
                        if (!result.text().equals(text)) {
                          Files.writeString(file, result.text(), StandardCharsets.UTF_8);
                        }
                        return;
                      }
                      if (result.firstMismatch() != null) {
                        // The whole file as the expected value shows every difference in a diff.
                        assertEquals(
                            text,
                            result.text(),
                            result.firstMismatch()
                                + "\n(if the change is intended: -Dpaxos.golden.rewrite=true, then"
                                + " review the diff)");
                      }
                      assertEquals(text, result.text(), name + ": layout differs");
                    }));
  }
}
