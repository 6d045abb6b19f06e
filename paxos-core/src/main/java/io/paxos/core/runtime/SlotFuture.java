package io.paxos.core.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * A future of a result that also learns the slot the result reflects: whoever completes it sets
 * {@link #slot} first (the completion publishes it). Completers that do not know the slot complete
 * it like any future, leaving the slot at 0. No extra object per command: only callers that ask for
 * the slot get one.
 */
final class SlotFuture extends CompletableFuture<byte[]> {
  volatile long slot;

  /** Complete {@code future} with {@code result}, recording {@code slot} if it wants one. */
  static boolean complete(CompletableFuture<byte[]> future, long slot, byte[] result) {
    if (future instanceof SlotFuture f && f.slot < slot) {
      f.slot = slot;
    }
    return future.complete(result);
  }
}
