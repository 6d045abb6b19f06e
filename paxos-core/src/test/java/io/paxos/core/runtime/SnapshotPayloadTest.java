package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The session table's failed commands travel in a snapshot (format 2); without any, format 1. */
class SnapshotPayloadTest {
  private static Command cmd(long client, long seq) {
    return new Command(1, client, seq, 1, new byte[] {(byte) seq});
  }

  private static byte[] write(SessionTable table) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotPayload.capture(table, new RecordingStateMachine()).writeTo(out);
    return out.toByteArray();
  }

  private static int format(byte[] payload) throws IOException {
    return new DataInputStream(new ByteArrayInputStream(payload)).readInt();
  }

  @Test
  void aTableWithoutFailuresIsWrittenInFormat1() throws IOException {
    SessionTable table = new SessionTable();
    table.apply(cmd(7, 1), 1, p -> p);
    assertThat(format(write(table))).isEqualTo(1);
  }

  @Test
  void failuresAndResultsSurviveARoundTripInFormat2() throws IOException {
    SessionTable table = new SessionTable();
    table.apply(cmd(7, 1), 1, p -> new byte[0]); // an empty result, not a failure
    try {
      table.apply(
          cmd(7, 2),
          2,
          p -> {
            throw new ApplyFailure("a.B", "");
          });
    } catch (ApplyFailure expected) {
      // kept in the table
    }
    byte[] payload = write(table);
    assertThat(format(payload)).isEqualTo(2);

    SessionTable restored = new SessionTable();
    SnapshotPayload.restore(
        new ByteArrayInputStream(payload), restored, new RecordingStateMachine());
    assertThat(restored.check(cmd(7, 1), 3).failed()).isFalse();
    assertThat(restored.check(cmd(7, 1), 3).cachedResult()).isEmpty();
    assertThatThrownBy(() -> restored.apply(cmd(7, 2), 3, p -> p))
        .isInstanceOfSatisfying(
            ApplyFailure.class, f -> assertThat(f.exceptionClass()).isEqualTo("a.B"));
  }

  @Test
  void aNegativeLengthInFormat1IsRefused() throws IOException {
    SessionTable table = new SessionTable();
    try {
      table.apply(
          cmd(7, 1),
          1,
          p -> {
            throw new ApplyFailure("a.B", "m");
          });
    } catch (ApplyFailure expected) {
      // kept in the table
    }
    byte[] payload = write(table);
    payload[3] = 1; // claim format 1
    assertThatThrownBy(
            () ->
                SnapshotPayload.restore(
                    new ByteArrayInputStream(payload),
                    new SessionTable(),
                    new RecordingStateMachine()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("negative");
  }
}
