package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.client.PaxosClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-node key-value server with {@code --oplog} writes one line per applied slot, every slot
 * from 1 in order; a restart continues the file without writing a slot twice or skipping one (a
 * line torn by a crash is cut off first); a restart from a snapshot beyond the file's end writes a
 * {@code SNAPSHOT} marker at the snapshot's slot.
 */
class OpLogServerTest {

  private static Map<Setting, String> flags(ServerProcesses file, Path oplog, boolean first) {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, file.config.toString());
    flags.put(Setting.ID, "1");
    flags.put(Setting.BOOTSTRAP_NEW, Boolean.toString(first));
    flags.put(Setting.OPLOG, oplog.getParent().resolve("oplog-${id}.txt").toString());
    flags.put(Setting.SNAPSHOT_EVERY_SLOTS, "5");
    return flags;
  }

  private static void run(ServerProcesses file, Path oplog, boolean first, List<byte[]> commands)
      throws Exception {
    ServerConfig config = ConfigResolver.resolve(flags(file, oplog, first), Map.of(), w -> {});
    assertThat(config.oplog()).contains(oplog);
    try (KvServer server = KvServer.start(config);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(file.endpoints())
                .timeout(Duration.ofSeconds(10))
                .build()) {
      for (byte[] c : commands) {
        client.submit(c).get(30, java.util.concurrent.TimeUnit.SECONDS); // one slot each
      }
    }
  }

  /** The file's lines; asserts they hold every slot from 1 up, once each, in order. */
  private static List<String> contiguous(Path oplog) throws Exception {
    List<String> lines = Files.readAllLines(oplog, StandardCharsets.US_ASCII);
    long slot = 0;
    for (String line : lines) {
      long s = Long.parseLong(line.substring(0, line.indexOf(' ')));
      if (!line.endsWith(" SNAPSHOT")) {
        assertThat(s).as(lines.toString()).isEqualTo(slot + 1);
      }
      slot = s;
    }
    return lines;
  }

  @Test
  void aBlankOplogOrAFileThatIsNotOneIsRefusedAndNoneMeansOff(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(dir, "oplog", Map.of(1, "[proposer, acceptor, learner]"), "");
    Map<Setting, String> flags = flags(file, dir.resolve("oplog-1.txt"), true);
    flags.put(Setting.OPLOG, " ");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConfigResolver.resolve(flags, Map.of(), w -> {}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--oplog")
        .hasMessageContaining("is blank");
    flags.remove(Setting.OPLOG);
    ServerConfig off = ConfigResolver.resolve(flags, Map.of(), w -> {});
    assertThat(off.oplog()).isEmpty();
    assertThat(off.describe()).containsPattern("oplog +\\(none: off\\) +default");
    // A file that is not an oplog stops the start (with the reason), it is not overwritten.
    Path junk = dir.resolve("oplog-1.txt");
    Files.writeString(junk, "1 NOOP\n0 PUT a b\n");
    ServerConfig bad = ConfigResolver.resolve(flags(file, junk, true), Map.of(), w -> {});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvServer.start(bad))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot write the oplog " + junk)
        .hasMessageContaining("line 2 has slot 0");
    assertThat(Files.readString(junk)).isEqualTo("1 NOOP\n0 PUT a b\n");
  }

  @Test
  void aRestartContinuesTheFileWithEverySlotOnce(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(dir, "oplog", Map.of(1, "[proposer, acceptor, learner]"), "");
    Path oplog = dir.resolve("oplog-1.txt");
    run(
        file,
        oplog,
        true,
        List.of(
            KvCommand.put("a", "1").encode(),
            KvCommand.put("b c", "line\nbreak").encode(),
            KvCommand.delete("a").encode()));
    List<String> first = contiguous(oplog);
    assertThat(first)
        .anyMatch(l -> l.endsWith(" PUT a 1"))
        .anyMatch(l -> l.endsWith(" PUT b%20c line%0Abreak"))
        .anyMatch(l -> l.endsWith(" DEL a"));
    long last = Long.parseLong(first.get(first.size() - 1).split(" ")[0]);
    // A crash while writing a line leaves it torn: the restart cuts it off.
    Files.writeString(oplog, (last + 1) + " PUT tor", StandardOpenOption.APPEND);

    run(file, oplog, false, List.of(KvCommand.put("c", "3").encode()));
    List<String> second = contiguous(oplog);
    assertThat(second.subList(0, first.size())).isEqualTo(first);
    assertThat(second).noneMatch(l -> l.contains("tor")).anyMatch(l -> l.endsWith(" PUT c 3"));
  }

  @Test
  void aRestartFromASnapshotBeyondTheFilesEndMarksTheJump(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(dir, "oplog", Map.of(1, "[proposer, acceptor, learner]"), "");
    Path oplog = dir.resolve("oplog-1.txt");
    List<byte[]> puts = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      puts.add(KvCommand.put("k" + i, "v").encode());
    }
    run(file, oplog, true, puts);
    List<String> lines = contiguous(oplog);
    // The file lost all but its first line (say, restored from an old backup); the node's
    // snapshot holds slots the file now lacks.
    Files.writeString(oplog, lines.get(0) + "\n");
    run(file, oplog, false, List.of(KvCommand.put("after", "x").encode()));
    List<String> after = contiguous(oplog);
    assertThat(after.get(0)).isEqualTo(lines.get(0));
    assertThat(after.get(1)).matches("\\d+ SNAPSHOT");
    long snapshot = Long.parseLong(after.get(1).split(" ")[0]);
    assertThat(snapshot).isGreaterThan(1);
    assertThat(Long.parseLong(after.get(2).split(" ")[0])).isEqualTo(snapshot + 1);
    assertThat(after).anyMatch(l -> l.endsWith(" PUT after x"));
  }
}
