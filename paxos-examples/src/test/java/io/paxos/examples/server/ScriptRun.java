package io.paxos.examples.server;

import io.paxos.examples.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of {@code paxos-examples/scripts} as a user would, in {@code dir}, with the server and
 * client taken from this test's class path ({@code PAXOS_CMD}), since the jar is built after the
 * tests; returns its exit status and its output (stdout and stderr together).
 */
final class ScriptRun {
  record Result(int exit, String out) {}

  private ScriptRun() {}

  static Result run(Path script, Path dir, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    ProcessBuilder b =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    b.environment().keySet().removeIf(k -> k.startsWith("PAXOS_"));
    b.environment()
        .put(
            "PAXOS_CMD",
            String.join(
                " ",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    Process p = b.start();
    // The servers a script starts write to their log files, not to this pipe, so it ends when the
    // script does.
    byte[] bytes = p.getInputStream().readAllBytes();
    String out = new String(bytes, StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(script.getFileName() + " " + args + " did not end: " + out);
    }
    return new Result(p.exitValue(), out);
  }
}
