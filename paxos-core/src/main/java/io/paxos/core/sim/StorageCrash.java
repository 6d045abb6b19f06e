package io.paxos.core.sim;

import java.util.SplittableRandom;

/**
 * What a crash leaves of the writes a node made since its last sync (the storage fault model).
 * Either way, everything synced survives and nothing unsynced was acknowledged: the simulator sends
 * a node's messages only after its sync.
 */
public enum StorageCrash {
  /** Every write since the last sync is lost. */
  LOSE_UNSYNCED,

  /**
   * A random prefix of the writes since the last sync survives, in the order they were made (none,
   * some or all, each as likely), and the write after it is torn, which recovery drops as never
   * written. This is what {@link io.paxos.core.storage.FileStorage} can recover after a real crash:
   * the OS may have written part of the unsynced tail of the log, and recovery keeps the intact
   * records before the first missing or torn one (see {@link
   * io.paxos.core.storage.InMemoryStorage#crash(int)}).
   */
  KEEP_PREFIX;

  /** How many of {@code unsynced} writes survive a crash; draws from {@code random} if needed. */
  int survivors(int unsynced, SplittableRandom random) {
    if (this == LOSE_UNSYNCED || unsynced == 0) {
      return 0;
    }
    return random.nextInt(unsynced + 1);
  }
}
