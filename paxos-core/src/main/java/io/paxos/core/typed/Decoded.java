package io.paxos.core.typed;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A future of bytes mapped to a future of values. Unlike {@code thenApply}, a failure reaches the
 * typed future as the same exception, not wrapped in a {@code CompletionException}, so callbacks
 * see exactly what the byte API's callbacks see; a result that does not decode completes it with
 * the {@link CodecException}.
 */
public final class Decoded {
  private Decoded() {}

  /**
   * {@return a future that completes, on the thread that completes {@code source}, with {@code
   * decode} applied to its result, or with its exception}
   *
   * @param <B> the source's result, usually {@code byte[]} or {@code SlotResult}
   * @param <T> the decoded result
   * @param source the byte API's future
   * @param decode turns its result into {@code T}; a {@link CodecException} it throws completes the
   *     returned future
   */
  public static <B, T> CompletableFuture<T> map(
      CompletableFuture<B> source, Function<? super B, ? extends T> decode) {
    CompletableFuture<T> out = new CompletableFuture<>();
    source.whenComplete(
        (bytes, error) -> {
          if (error != null) {
            out.completeExceptionally(error);
            return;
          }
          T value;
          try {
            value = decode.apply(bytes);
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
            return;
          }
          out.complete(value);
        });
    return out;
  }
}
