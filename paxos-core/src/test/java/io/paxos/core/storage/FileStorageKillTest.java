package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real files, real process deaths: a child JVM ({@link CrashingWriter}) writes through a {@link
 * FileStorage} and reports every sync; the test kills it with SIGKILL at a seeded random point,
 * many times, on the same directory, and after each kill checks that every slot the child
 * acknowledged is there and intact and that the recovered state is a prefix of what was written.
 */
class FileStorageKillTest {
  private static final int KILLS = 20;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everySyncAcknowledgedBeforeAKillSurvivesIt() throws Exception {
    SplittableRandom random = new SplittableRandom(20240601);
    long acknowledged = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Process child = start(kill);
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      int syncsToSee = 1 + random.nextInt(150);
      for (int i = 0; i < syncsToSee; i++) {
        String line = lines.readLine();
        assertThat(line).as("child output; its log: %s", stderr(kill)).isNotNull();
        long synced = Long.parseLong(line);
        assertThat(synced).as("syncs only go forward").isGreaterThanOrEqualTo(acknowledged);
        acknowledged = synced;
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
      verify(acknowledged);
    }
    assertThat(acknowledged).isGreaterThan(KILLS);
  }

  private Process start(int run) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "-Xmx128m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            CrashingWriter.class.getName(),
            dir.resolve("data").toString(),
            Integer.toString(run));
    Files.createDirectories(dir.resolve("data"));
    builder.redirectError(dir.resolve("child-" + run + ".log").toFile());
    Process p = builder.start();
    started.add(p);
    return p;
  }

  private String stderr(int run) throws IOException {
    return Files.readString(dir.resolve("child-" + run + ".log"));
  }

  /** Everything acknowledged is there; the state is a prefix of the writes, in their order. */
  private void verify(long acknowledged) {
    try (FileStorage storage =
        FileStorage.open(dir.resolve("data"), "crash", 1, CrashingWriter.OPTIONS)) {
      DurableState state = storage.load();
      long n = state.chosen().size();
      assertThat(n).as("chosen slots after the kill").isGreaterThanOrEqualTo(acknowledged);
      for (int i = 0; i < n; i++) {
        assertThat(state.chosen().get(i)).isEqualTo(CrashingWriter.value(i + 1L));
      }
      assertThat(state.maxRound()).isBetween(n, n + 1);
      assertThat(state.promised().round()).isBetween(state.maxRound() - 1, state.maxRound());
      assertThat(state.accepted().size()).isBetween((int) n, (int) n + 1);
      for (AcceptedEntry e : state.accepted()) {
        assertThat(e.ballot()).isEqualTo(new Ballot(e.slot(), 1));
        assertThat(e.value()).isEqualTo(CrashingWriter.value(e.slot()));
      }
    }
  }
}
