package io.paxos.examples.rowa;

import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's side of the read-one/write-all stores: commits every chosen write to every store
 * with two-phase commit, one transaction per Paxos slot that changed a key ({@link Txn}), in slot
 * order, read from the node's watch history.
 *
 * <p>One thread loops: it sends each store a heartbeat ({@code PING id}); if one does not answer,
 * the group is <b>degraded</b>: it commits nothing (a write to two stores of three would leave a
 * read of the third wrong) and says so once in its log ({@code ROWA DEGRADED ...}) and on {@code
 * /rowa/status}, until all answer again, when it catches the returning store up from the slot it
 * committed last. The stores name the lowest learner id that sent them a heartbeat within a second;
 * only that learner drives, the others stand by (should two drive at once, during a takeover, every
 * step is idempotent by slot, see {@link RowaStore}). The driver takes the lowest slot the stores
 * have committed, finds the next transaction after it, and:
 *
 * <ol>
 *   <li>sends {@code PREPARE} to every store; each answers {@code YES} (logged, in doubt) or {@code
 *       COMMITTED} (it has it already);
 *   <li>if all did, sends {@code COMMIT} to each; else {@code ABORT} to those that voted yes, and
 *       tries again later: the slot is chosen, so it will be committed everywhere in the end.
 * </ol>
 *
 * <p>A client's write is acknowledged when Paxos chooses it (the library's commit point); the
 * stores follow, each holding a prefix of the chosen writes, and all the same prefix whenever the
 * group is not in the middle of a commit.
 *
 * <p>Thread-safe; {@link #close()} stops the thread.
 */
final class RowaDriver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RowaDriver.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  private static final long IDLE_MS = 100;

  private final PaxosNode node;
  private final int id;
  private final List<StoreClient> stores = new ArrayList<>();
  private final CrashPoints crash;
  private final Thread thread;
  private volatile boolean closing;
  private volatile RowaStatus status;

  // the loop's own state
  private Watch watch;
  private long base = -1; // the watch reports the slots after this one
  private Txn next; // the first transaction after base, once found
  private boolean degraded;
  private long committedByMe;

  RowaDriver(PaxosNode node, int id, List<Endpoint> stores, CrashPoints crash) {
    this.node = node;
    this.id = id;
    for (Endpoint e : stores) {
      this.stores.add(new StoreClient(e, CALL_TIMEOUT));
    }
    this.crash = crash;
    this.thread = new Thread(this::run, "rowa-" + id);
    this.thread.setDaemon(true);
    this.status = RowaStatus.starting(id, stores);
  }

  RowaDriver start() {
    thread.start();
    return this;
  }

  /** What the driver last saw of the stores. */
  RowaStatus status() {
    return status;
  }

  private void run() {
    try {
      while (!closing) {
        step();
      }
    } catch (NodeClosedException e) {
      // the node stopped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("ROWA driver of node {} stopped: {}", id, e.toString());
    } finally {
      if (watch != null) {
        watch.close();
      }
      stores.forEach(StoreClient::close);
    }
  }

  private void step() throws InterruptedException {
    List<RowaStatus.Store> seen = heartbeats();
    List<String> down = new ArrayList<>();
    for (RowaStatus.Store s : seen) {
      if (!s.reachable()) {
        down.add(s.address() + " (" + s.error() + ")");
      }
    }
    if (!down.isEmpty()) {
      if (!degraded) {
        log.warn(
            "ROWA DEGRADED: store {} not answering; no write is committed to the stores until all"
                + " {} answer",
            String.join(", ", down),
            stores.size());
        degraded = true;
      }
      publish(seen, false, "degraded: " + String.join(", ", down) + " not answering");
      Thread.sleep(IDLE_MS);
      return;
    }
    long lowest = seen.stream().mapToLong(RowaStatus.Store::committed).min().orElse(0);
    if (degraded) {
      log.warn(
          "ROWA HEALTHY: all {} stores answer; committing from slot {}", stores.size(), lowest);
      degraded = false;
    }
    int driver = seen.stream().mapToInt(RowaStatus.Store::driver).min().orElse(id);
    if (driver != id) {
      publish(seen, false, "standing by: learner " + driver + " commits");
      Thread.sleep(IDLE_MS);
      return;
    }
    Optional<Txn> t;
    try {
      t = nextAfter(lowest);
    } catch (SlotUnavailableException e) {
      publish(
          seen,
          true,
          "stuck: the stores need slot "
              + (lowest + 1)
              + " but this learner holds slots from "
              + e.oldestSlot()
              + " only");
      Thread.sleep(IDLE_MS * 10);
      return;
    }
    publish(seen, true, "healthy");
    if (t.isPresent()) {
      twoPhaseCommit(lowest, t.get());
    }
  }

  /** A heartbeat to every store, with what each answered. */
  private List<RowaStatus.Store> heartbeats() {
    List<RowaStatus.Store> seen = new ArrayList<>();
    for (StoreClient c : stores) {
      try {
        String pong = c.call("PING " + id);
        String[] p = pong.split(" ");
        if (p.length != 4 || !p[0].equals("PONG")) {
          throw new IOException("answered " + Numbers.cut(pong));
        }
        seen.add(
            new RowaStatus.Store(
                c.store().toString(),
                true,
                Long.parseLong(p[1]),
                p[2].equals("-") ? 0 : Long.parseLong(p[2]),
                Integer.parseInt(p[3]),
                ""));
      } catch (IOException | NumberFormatException e) {
        seen.add(new RowaStatus.Store(c.store().toString(), false, -1, 0, 0, e.getMessage()));
      }
    }
    return seen;
  }

  /** The first transaction after slot {@code lowest}, if the node has applied it. */
  private Optional<Txn> nextAfter(long lowest) throws InterruptedException {
    if (watch == null || base != lowest) {
      if (watch != null) {
        watch.close();
      }
      watch = null;
      next = null;
      watch = node.watch(lowest + 1);
      base = lowest;
    }
    while (next == null) {
      List<AppliedSlot> slots = watch.take(1, Duration.ofMillis(IDLE_MS));
      if (slots.isEmpty()) {
        return Optional.empty();
      }
      next = Txn.of(slots.get(0)).orElse(null);
    }
    return Optional.of(next);
  }

  private void twoPhaseCommit(long prev, Txn t) throws InterruptedException {
    String prepare = "PREPARE " + prev + " " + t.tokens();
    List<StoreClient> yes = new ArrayList<>();
    String refusal = null;
    for (StoreClient c : stores) {
      String vote = call(c, prepare);
      if (vote.startsWith("YES ")) {
        yes.add(c);
      } else if (!vote.startsWith("COMMITTED ")) {
        refusal = c.store() + " answered " + Numbers.cut(vote);
        break;
      }
    }
    if (refusal != null) {
      for (StoreClient c : yes) {
        call(c, "ABORT " + t.slot());
      }
      log.warn("ROWA ABORTED slot {}: {}; it is prepared again later", t.slot(), refusal);
      Thread.sleep(IDLE_MS * 2);
      return;
    }
    crash.reached("prepared", t.slot());
    int done = 0;
    for (StoreClient c : stores) {
      String answer = call(c, "COMMIT " + t.slot());
      if (!answer.startsWith("OK ")) {
        // not committed there (it aborted meanwhile, or is gone): the next round prepares again
        log.warn("ROWA COMMIT of slot {} at {}: {}", t.slot(), c.store(), Numbers.cut(answer));
        return;
      }
      if (++done == 1) {
        crash.reached("committed-one", t.slot());
      }
    }
    committedByMe++;
    base = t.slot();
    next = null;
  }

  /** The store's answer, or {@code ERR} with why there is none. */
  private static String call(StoreClient c, String request) {
    try {
      return c.call(request);
    } catch (IOException e) {
      return "ERR no answer: " + e.getMessage();
    }
  }

  private void publish(List<RowaStatus.Store> seen, boolean driving, String state) {
    status = new RowaStatus(id, state, driving, committedByMe, seen);
  }

  @Override
  public void close() {
    closing = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
