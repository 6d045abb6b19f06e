package io.paxos.grpc.client;

import io.paxos.core.Consistency;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.Decoded;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A view of a {@link PaxosClient} in an application's types: it encodes commands and queries with
 * {@link CommandCodecs#commands()} and decodes results with {@link CommandCodecs#results()}, the
 * same codecs the cluster's {@link io.paxos.core.typed.TypedStateMachine} runs with. It holds only
 * the client and the codecs; the client stays the caller's to share and {@link PaxosClient#close()
 * close}, and its byte methods work alongside.
 *
 * <pre>{@code
 * try (PaxosClient client = PaxosClient.builder().endpoints(endpoints).build()) {
 *   TypedPaxosClient<Long, Long> counter = TypedPaxosClient.of(client, CODECS);
 *   long total = counter.submit(5L).get();
 * }
 * }</pre>
 *
 * <p><b>Outcomes</b> are the client's (see {@link PaxosClient}), with the same exceptions,
 * unwrapped. In addition, the methods throw {@link IllegalArgumentException} when the command codec
 * refuses the value (before anything is sent), and a result the result codec cannot decode
 * completes the future with {@link io.paxos.core.typed.CodecException}.
 *
 * <p><b>Threading.</b> Thread-safe and non-blocking. Encoding runs on the caller's thread; decoding
 * and the callbacks attached to the typed futures run on the client's one thread, which also does
 * all its networking: never block there (use the {@code ...Async} variants with an executor).
 *
 * @param <C> commands and queries
 * @param <R> results and answers
 */
public final class TypedPaxosClient<C, R> {
  private final PaxosClient client;
  private final CommandCodecs<C, R> codecs;

  private TypedPaxosClient(PaxosClient client, CommandCodecs<C, R> codecs) {
    this.client = Objects.requireNonNull(client, "client");
    this.codecs = Objects.requireNonNull(codecs, "codecs");
  }

  /**
   * {@return a typed view of {@code client} for a cluster whose state machine runs with {@code
   * codecs}}
   *
   * @param <C> commands and queries
   * @param <R> results and answers
   * @param client the client to send through; the caller still owns and closes it
   * @param codecs the codecs the cluster's state machine was built with
   */
  public static <C, R> TypedPaxosClient<C, R> of(PaxosClient client, CommandCodecs<C, R> codecs) {
    return new TypedPaxosClient<>(client, codecs);
  }

  /** {@return the client this view sends through} */
  public PaxosClient client() {
    return client;
  }

  /** {@return the codecs this view encodes and decodes with} */
  public CommandCodecs<C, R> codecs() {
    return codecs;
  }

  /**
   * Replicate {@code command} and return its result, within the client's default timeout.
   *
   * @param command the command, encoded with the command codec
   * @return completes with the decoded result, or exceptionally as {@link
   *     PaxosClient#submit(byte[])}'s future does
   * @throws IllegalArgumentException if the codec refuses {@code command}
   */
  public CompletableFuture<R> submit(C command) {
    return Decoded.map(client.submit(encode(command)), codecs.results()::decode);
  }

  /**
   * Replicate {@code command}, within {@code timeout}; see {@link PaxosClient#submit}.
   *
   * @param command the command, encoded with the command codec
   * @param timeout the call's deadline, from now; positive
   * @return completes with the decoded result
   * @throws IllegalArgumentException if the codec refuses {@code command}
   */
  public CompletableFuture<R> submit(C command, Duration timeout) {
    return Decoded.map(client.submit(encode(command), timeout), codecs.results()::decode);
  }

  /**
   * Run a read-only {@code query} at {@code consistency}, within the default timeout.
   *
   * @param query the query, encoded with the command codec
   * @param consistency how fresh the answer must be
   * @return completes with the decoded answer
   * @throws IllegalArgumentException if the codec refuses {@code query}
   */
  public CompletableFuture<R> read(C query, Consistency consistency) {
    return Decoded.map(client.read(encode(query), consistency), codecs.results()::decode);
  }

  /**
   * Run a read-only {@code query} at {@code consistency}, within {@code timeout}.
   *
   * @param query the query, encoded with the command codec
   * @param consistency how fresh the answer must be
   * @param timeout the call's deadline, from now; positive
   * @return completes with the decoded answer
   * @throws IllegalArgumentException if the codec refuses {@code query}
   */
  public CompletableFuture<R> read(C query, Consistency consistency, Duration timeout) {
    return Decoded.map(client.read(encode(query), consistency, timeout), codecs.results()::decode);
  }

  private byte[] encode(C value) {
    return codecs.commands().encode(Objects.requireNonNull(value, "command"));
  }

  @Override
  public String toString() {
    return "typed view of client " + Long.toHexString(client.clientId());
  }
}
