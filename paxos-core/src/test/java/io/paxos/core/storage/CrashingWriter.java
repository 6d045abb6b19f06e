package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link FileStorageKillTest}: appends to a {@link FileStorage} in batches of
 * random size until it is killed, printing after every sync the last slot that sync made durable.
 * Every slot {@code s} writes, in this order, round {@code s}, promise {@code (s, 1)}, the accepted
 * entry {@code (s, (s, 1), value(s))} and chosen {@code value(s)}, so a recovered state shows
 * whether it is a prefix of what was written.
 *
 * <p>Arguments: the data directory and a seed. It exits by itself when its standard input closes
 * (the test is gone) or after a bounded number of slots.
 */
public final class CrashingWriter {
  static final FileStorageOptions OPTIONS =
      FileStorageOptions.defaults().withSegmentBytes(64 * 1024).withWriteBufferBytes(8 * 1024);
  private static final long MAX_SLOTS = 1_000_000;

  private CrashingWriter() {}

  /** The value of {@code slot}: its size and bytes follow from the slot number alone. */
  static Value value(long slot) {
    byte[] payload = new byte[(int) (slot * 7919 % 3000)];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (slot + i * 13);
    }
    return new Value.Batch(List.of(new Command(1, 0xC0FFEE, slot, payload)));
  }

  public static void main(String[] args) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the test never writes; EOF means it is gone
                }
              } catch (IOException e) {
                // fall through and exit
              }
              Runtime.getRuntime().halt(3);
            });
    watchdog.setDaemon(true);
    watchdog.start();
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
    PrintStream out = System.out;
    try (FileStorage storage = FileStorage.open(Path.of(args[0]), "crash", 1, OPTIONS)) {
      long slot = storage.load().chosen().size() + 1L;
      while (slot < MAX_SLOTS) {
        int batch = 1 + random.nextInt(random.nextInt(8) == 0 ? 40 : 4);
        for (int i = 0; i < batch; i++, slot++) {
          Ballot ballot = new Ballot(slot, 1);
          storage.saveRound(slot);
          storage.savePromise(ballot);
          storage.saveAccepted(new AcceptedEntry(slot, ballot, value(slot)));
          storage.appendChosen(slot, value(slot));
        }
        storage.sync();
        out.println(slot - 1);
        out.flush();
      }
    }
  }
}
