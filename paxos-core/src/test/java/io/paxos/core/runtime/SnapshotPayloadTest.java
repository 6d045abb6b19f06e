package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.SessionTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The session table's failed commands travel in a snapshot (format 2); without any, format 1; the
 * membership of a changed cluster travels in format 3, and an epoch-0 snapshot is written as
 * before.
 */
class SnapshotPayloadTest {
  private static Command cmd(long client, long seq) {
    return new Command(1, client, seq, 1, new byte[] {(byte) seq});
  }

  private static final ClusterConfig THREE = ClusterConfig.of("c", 1, 2, 3);
  private static final Membership EPOCH_0 = Membership.initial(THREE);

  private static byte[] write(SessionTable table) throws IOException {
    return write(table, EPOCH_0);
  }

  private static byte[] write(SessionTable table, Membership governing) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotPayload.capture(table, new RecordingStateMachine(), governing).writeTo(out);
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

  @Test
  void aChangedMembershipTravelsInFormat3WithTheSessions() throws IOException {
    SessionTable table = new SessionTable();
    table.apply(cmd(7, 1), 1, p -> p);
    try {
      table.apply(
          cmd(7, 2),
          2,
          p -> {
            throw new ApplyFailure("a.B", "m");
          });
    } catch (ApplyFailure expected) {
      // kept in the table
    }
    Membership five = new Membership(3, ClusterConfig.of("c", 1, 2, 3, 4, 5), Long.MAX_VALUE);
    byte[] payload = write(table, five);
    assertThat(format(payload)).isEqualTo(3);
    assertThat(SnapshotPayload.membership(new ByteArrayInputStream(payload))).contains(five);

    SessionTable restored = new SessionTable();
    assertThat(
            SnapshotPayload.restore(
                new ByteArrayInputStream(payload), restored, new RecordingStateMachine()))
        .contains(five);
    assertThat(restored.check(cmd(7, 1), 3).cachedResult()).isNotEmpty();
    assertThatThrownBy(() -> restored.apply(cmd(7, 2), 3, p -> p)).isInstanceOf(ApplyFailure.class);
  }

  @Test
  void anEpoch0SnapshotCarriesNoMembership() throws IOException {
    byte[] payload = write(new SessionTable());
    assertThat(SnapshotPayload.membership(new ByteArrayInputStream(payload))).isEmpty();
  }

  @Test
  void aMembershipOfAHostileLengthOrFormIsRefused() throws IOException {
    Membership two = new Membership(1, ClusterConfig.of("c", 1, 2), 5);
    byte[] good = write(new SessionTable(), two);
    for (int length :
        new int[] {-1, 0, 8, SnapshotPayload.MAX_MEMBERSHIP_BYTES + 1, Integer.MAX_VALUE}) {
      byte[] bad = good.clone();
      ByteBuffer.wrap(bad).putInt(4, length);
      assertThatThrownBy(() -> SnapshotPayload.membership(new ByteArrayInputStream(bad)))
          .as("length %d", length)
          .isInstanceOf(IOException.class);
    }
    byte[] garbled = good.clone();
    garbled[8 + 8] = 99; // the membership's format version
    assertThatThrownBy(() -> SnapshotPayload.membership(new ByteArrayInputStream(garbled)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("invalid membership");
    byte[] cut = java.util.Arrays.copyOf(good, 12);
    assertThatThrownBy(() -> SnapshotPayload.membership(new ByteArrayInputStream(cut)))
        .isInstanceOf(IOException.class);
    byte[] unknown = good.clone();
    ByteBuffer.wrap(unknown).putInt(0, 4);
    assertThatThrownBy(() -> SnapshotPayload.membership(new ByteArrayInputStream(unknown)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown format 4");
  }
}
