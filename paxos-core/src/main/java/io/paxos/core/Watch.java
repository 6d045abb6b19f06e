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
   * {@return the next slot this watch reports from} Every applied command of the slots below it,
   * from the slot it was opened at, has been returned. To resume elsewhere, watch from here.
   */
  long nextSlot();

  /**
   * The applied slots available now from {@link #nextSlot()}, at most {@code maxSlots} of them
   * (empty if none); never blocks.
   *
   * @param maxSlots the most slots to return, at least 1
   * @return the slots, in slot order, starting at {@link #nextSlot()}; advances {@link #nextSlot()}
   *     past them
   * @throws SlotUnavailableException if the watcher was cut off: the slots it needs left the
   *     history
   * @throws NodeClosedException if the node closed or stopped
   * @throws IllegalStateException if this watch was closed
   * @throws IllegalArgumentException if {@code maxSlots} is below 1
   */
  List<AppliedSlot> poll(int maxSlots);

  /**
   * {@link #poll}, waiting up to {@code timeout} for at least one slot; empty if none came.
   *
   * @param maxSlots the most slots to return, at least 1
   * @param timeout how long to wait for a first slot; zero or negative: do not wait
   * @return the slots, in slot order, starting at {@link #nextSlot()}; empty if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  List<AppliedSlot> take(int maxSlots, Duration timeout) throws InterruptedException;

  /**
   * Call {@code listener} whenever slots may have become available to {@link #poll}, or the watch
   * ended (a poll then throws): once right away, then after each batch the node applies. It runs on
   * the node's apply thread (or the caller's, the first time), so it must be quick and must not
   * block: hand the work to another thread. Replaces the listener set before.
   *
   * @param listener what to run; not null
   */
  void onAvailable(Runnable listener);

  /** Stop watching; later calls to {@link #poll} throw. Idempotent. */
  @Override
  void close();
}
