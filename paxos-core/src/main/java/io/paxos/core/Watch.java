package io.paxos.core;

import java.time.Duration;
import java.util.List;

/**
 * A subscription to the commands a node applies, from a given slot on, in slot order: each applied
 * command is reported once, none is skipped. Opened by {@code PaxosNode.watch(fromSlot)}; to resume
 * after a restart or at another node, open a new one from {@link #nextSlot()}.
 *
 * <p><b>Bounded.</b> A watch holds no buffer of its own: it reads the node's bounded history of
 * applied slots ({@link io.paxos.core.config.WatchOptions}) from its position. The apply thread
 * never waits for a watcher. A watcher that falls so far behind that the slots it needs left the
 * history is cut off: its next {@link #poll} throws {@link SlotUnavailableException} saying where
 * to resume.
 *
 * <p><b>Threading.</b> {@link #poll}, {@link #take} and {@link #nextSlot} are for one consumer
 * thread at a time; {@link #close} and {@link #onAvailable} from any thread.
 *
 * <p><b>Ends.</b> {@link #poll} and {@link #take} throw {@link SlotUnavailableException} when the
 * watcher is cut off, {@link NodeClosedException} once the node closed or stopped, and {@link
 * IllegalStateException} after {@link #close}.
 */
public interface Watch extends AutoCloseable {

  /**
   * The next slot this watch reports from: every applied command of the slots below it, from the
   * slot it was opened at, has been returned. To resume elsewhere, watch from here.
   */
  long nextSlot();

  /**
   * The applied slots available now from {@link #nextSlot()}, at most {@code maxSlots} of them
   * (empty if none); never blocks.
   *
   * @throws IllegalArgumentException if {@code maxSlots} is below 1
   */
  List<AppliedSlot> poll(int maxSlots);

  /**
   * {@link #poll}, waiting up to {@code timeout} for at least one slot; empty if none came.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  List<AppliedSlot> take(int maxSlots, Duration timeout) throws InterruptedException;

  /**
   * Call {@code listener} whenever slots may have become available to {@link #poll}, or the watch
   * ended (a poll then throws): once right away, then after each batch the node applies. It runs on
   * the node's apply thread (or the caller's, the first time), so it must be quick and must not
   * block: hand the work to another thread. Replaces the listener set before.
   */
  void onAvailable(Runnable listener);

  /** Stop watching; later calls to {@link #poll} throw. Idempotent. */
  @Override
  void close();
}
