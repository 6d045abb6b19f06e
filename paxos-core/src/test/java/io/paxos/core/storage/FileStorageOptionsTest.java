package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounds of {@link FileStorageOptions#forcesInFlight()}, and what a storage reports. */
class FileStorageOptionsTest {
  @TempDir Path dir;

  @Test
  void oneForceAtATimeByDefaultAndForTheThreeArgumentConstructor() {
    assertThat(FileStorageOptions.defaults().forcesInFlight()).isEqualTo(1);
    assertThat(new FileStorageOptions(1 << 20, true, 1 << 20).forcesInFlight()).isEqualTo(1);
  }

  @Test
  void forcesInFlightBetweenOneAndTheMaximum() {
    FileStorageOptions d = FileStorageOptions.defaults();
    assertThat(d.withForcesInFlight(1).forcesInFlight()).isEqualTo(1);
    assertThat(d.withForcesInFlight(FileStorageOptions.MAX_FORCES_IN_FLIGHT).forcesInFlight())
        .isEqualTo(FileStorageOptions.MAX_FORCES_IN_FLIGHT);
    for (int bad :
        new int[] {0, -1, FileStorageOptions.MAX_FORCES_IN_FLIGHT + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> d.withForcesInFlight(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("forcesInFlight " + bad);
    }
  }

  @Test
  void theStorageReportsItsOption() {
    try (FileStorage s =
        FileStorage.open(dir, "opts", 1, FileStorageOptions.defaults().withForcesInFlight(2))) {
      assertThat(s.forcesInFlight()).isEqualTo(2);
    }
  }
}
