package io.paxos.examples.rowa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One store of the read-one/write-all group: key-value data that changes only by transactions the
 * learners commit with two-phase commit, one per chosen Paxos slot, in slot order. Every record is
 * in its {@link StoreLog} (fsynced) before it is answered, and the data is rebuilt from the log on
 * open.
 *
 * <p>The rules, which make every step safe to repeat and to send from either learner:
 *
 * <ul>
 *   <li>{@code PREPARE prev txn}: {@code COMMITTED slot} if the slot is committed here with the
 *       same writes; {@code NO} if it is committed with other writes; {@code YES} (again, nothing
 *       logged) if exactly this transaction is in doubt; {@code NO} if another one is in doubt, or
 *       {@code prev} is not this store's last committed slot (a slot would be skipped); else the
 *       transaction is logged, in doubt, and the answer is {@code YES}.
 *   <li>{@code COMMIT slot}: applies the transaction in doubt if it is that slot; {@code OK}
 *       without doing anything if the slot is committed already; {@code ERR} if the slot was never
 *       prepared here (the learner prepares it again).
 *   <li>{@code ABORT slot}: forgets the transaction in doubt if it is that slot; never undoes a
 *       commit.
 * </ul>
 *
 * <p>Thread-safe: every call holds the store's lock, fsync included.
 */
final class RowaStore implements AutoCloseable {
  /** How long a learner's heartbeat makes it a candidate to drive the commits. */
  static final long LEARNER_LEASE_NANOS = 1_000_000_000L;

  private final StoreLog log;
  private final CrashPoints crash;
  private final TreeMap<String, byte[]> data = new TreeMap<>();
  private final Map<Long, String> committedDigests = new HashMap<>();
  private final Map<Integer, Long> learnersSeen = new HashMap<>();
  private long committed;
  private Txn inDoubt;

  private RowaStore(StoreLog log, CrashPoints crash) {
    this.log = log;
    this.crash = crash;
  }

  /**
   * Open the store in {@code dir}, replaying its log.
   *
   * @throws IOException if the log cannot be read, or holds a record the store never writes
   */
  static RowaStore open(Path dir, CrashPoints crash) throws IOException {
    StoreLog log = StoreLog.open(dir);
    RowaStore store = new RowaStore(log, crash);
    int n = 0;
    try {
      for (String record : log.recovered()) {
        n++;
        store.replay(record);
      }
    } catch (IllegalArgumentException e) {
      log.close();
      throw new IOException(
          log.file() + " record " + n + " is not a store record: " + e.getMessage());
    }
    return store;
  }

  private void replay(String record) {
    String[] parts = record.split(" ", -1);
    switch (parts[0]) {
      case "PREPARE" -> inDoubt = Txn.parse(parts, 1);
      case "COMMIT" -> {
        long slot = Numbers.slot(parts.length == 2 ? parts[1] : "");
        if (inDoubt == null || inDoubt.slot() != slot) {
          throw new IllegalArgumentException("commits slot " + slot + ", which is not in doubt");
        }
        apply(inDoubt);
      }
      case "ABORT" -> inDoubt = null;
      default -> throw new IllegalArgumentException("unknown record " + Numbers.cut(parts[0]));
    }
  }

  synchronized String prepare(long prev, Txn t) {
    if (t.slot() <= committed) {
      String digest = committedDigests.get(t.slot());
      if (digest != null && digest.equals(t.digest())) {
        return "COMMITTED " + t.slot();
      }
      return "NO "
          + t.slot()
          + (digest == null
              ? " is below the last committed slot " + committed + " and was not a transaction here"
              : " is committed here with other writes");
    }
    if (inDoubt != null) {
      if (inDoubt.slot() == t.slot() && inDoubt.digest().equals(t.digest())) {
        return "YES " + t.slot();
      }
      return "NO " + t.slot() + ": slot " + inDoubt.slot() + " is in doubt here";
    }
    if (prev != committed) {
      return "NO "
          + t.slot()
          + ": it follows slot "
          + prev
          + " but the last committed is "
          + committed;
    }
    append("PREPARE " + t.tokens());
    inDoubt = t;
    crash.reached("prepare-logged", t.slot());
    return "YES " + t.slot();
  }

  synchronized String commit(long slot) {
    if (committedDigests.containsKey(slot)) {
      return "OK " + slot + " already committed";
    }
    if (inDoubt == null || inDoubt.slot() != slot) {
      return "ERR slot " + slot + " is not prepared here; prepare it again";
    }
    append("COMMIT " + slot);
    apply(inDoubt);
    crash.reached("commit-logged", slot);
    return "OK " + slot + " committed";
  }

  synchronized String abort(long slot) {
    if (inDoubt == null || inDoubt.slot() != slot) {
      return "OK " + slot + " not in doubt";
    }
    append("ABORT " + slot);
    inDoubt = null;
    return "OK " + slot + " aborted";
  }

  private void apply(Txn t) {
    for (Txn.Write w : t.writes()) {
      if (w.value().isPresent()) {
        data.put(w.key(), w.value().get());
      } else {
        data.remove(w.key());
      }
    }
    committed = t.slot();
    committedDigests.put(t.slot(), t.digest());
    inDoubt = null;
  }

  private void append(String record) {
    try {
      log.append(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the store log " + log.file(), e);
    }
  }

  /** {@code VALUE <committed> <base64>} or {@code NOT_FOUND <committed>}. */
  synchronized String read(String key) {
    byte[] v = data.get(key);
    return v == null
        ? "NOT_FOUND " + committed
        : "VALUE " + committed + " " + Base64.getEncoder().encodeToString(v);
  }

  /** {@code STATUS committed <slot> in-doubt <slot|-> keys <n> hash <hex>}. */
  synchronized String status() {
    return "STATUS committed "
        + committed
        + " in-doubt "
        + (inDoubt == null ? "-" : Long.toString(inDoubt.slot()))
        + " keys "
        + data.size()
        + " hash "
        + stateHash();
  }

  /**
   * A learner's heartbeat: {@code PONG <committed> <in-doubt slot|-> <driver>}, the driver being
   * the lowest learner id heard from within the lease (this one included).
   */
  synchronized String ping(int learner, long nowNanos) {
    learnersSeen.put(learner, nowNanos);
    learnersSeen.values().removeIf(t -> nowNanos - t > LEARNER_LEASE_NANOS);
    int driver = learnersSeen.keySet().stream().min(Integer::compare).orElse(learner);
    return "PONG "
        + committed
        + " "
        + (inDoubt == null ? "-" : Long.toString(inDoubt.slot()))
        + " "
        + driver;
  }

  synchronized long committed() {
    return committed;
  }

  synchronized Optional<Txn> inDoubt() {
    return Optional.ofNullable(inDoubt);
  }

  synchronized int size() {
    return data.size();
  }

  /** SHA-256 over the keys and values in key order, 16 hex digits: equal stores, equal hashes. */
  synchronized String stateHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
        sha.update(intBytes(k.length));
        sha.update(k);
        sha.update(intBytes(e.getValue().length));
        sha.update(e.getValue());
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  @Override
  public synchronized void close() throws IOException {
    log.close();
  }
}
