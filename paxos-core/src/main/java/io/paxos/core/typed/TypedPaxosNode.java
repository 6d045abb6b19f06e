package io.paxos.core.typed;

import io.paxos.core.Consistency;
import io.paxos.core.SlotResult;
import io.paxos.core.runtime.PaxosNode;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A view of a {@link PaxosNode} in the application's types: it encodes commands and queries with
 * {@link CommandCodecs#commands()} and decodes results with {@link CommandCodecs#results()}. It
 * holds nothing but the node and the codecs; the node stays the caller's to configure, observe and
 * {@link PaxosNode#close() close}. Get one from {@link CommandCodecs#node}.
 *
 * <p><b>Outcomes</b> are the node's (see {@link PaxosNode}): the same exceptions complete the typed
 * future, unwrapped. In addition, {@link #submit} and {@link #read} throw {@link
 * IllegalArgumentException} when the command codec refuses the value (too large, not encodable),
 * before anything is sent, and a result the result codec cannot decode completes the future with
 * {@link CodecException}.
 *
 * <p><b>Threading.</b> Thread-safe and non-blocking. Encoding runs on the caller's thread; decoding
 * runs on the thread that completes the node's future (usually the node's apply thread, the one
 * that applies every command), and so do callbacks attached to the typed future: keep both quick
 * and never block in them, or every command at this node waits. Do slow work with the {@code
 * ...Async} variants and an executor of your own.
 *
 * @param <C> commands and queries
 * @param <R> results and answers
 */
public final class TypedPaxosNode<C, R> {
  private final PaxosNode node;
  private final CommandCodecs<C, R> codecs;

  TypedPaxosNode(PaxosNode node, CommandCodecs<C, R> codecs) {
    this.node = Objects.requireNonNull(node, "node");
    this.codecs = Objects.requireNonNull(codecs, "codecs");
  }

  /** {@return the node this view submits to} */
  public PaxosNode node() {
    return node;
  }

  /** {@return the codecs this view encodes and decodes with} */
  public CommandCodecs<C, R> codecs() {
    return codecs;
  }

  /**
   * Replicate {@code command} and return its result; see {@link PaxosNode#submit(byte[])}.
   *
   * @param command the command, encoded with the command codec
   * @return completes with the decoded result once the command is applied, or exceptionally as
   *     {@link PaxosNode#submit(byte[])}'s future does
   * @throws NullPointerException if {@code command} is null
   * @throws IllegalArgumentException if the codec refuses it or its encoding is larger than the
   *     node's largest command
   */
  public CompletableFuture<R> submit(C command) {
    return Decoded.map(node.submit(encode(command)), codecs.results()::decode);
  }

  /**
   * {@link #submit}, also telling the slot it was applied in; see {@link PaxosNode#submit}.
   *
   * @param command the command, encoded with the command codec
   * @return completes with the slot and the decoded result
   */
  public CompletableFuture<TypedSlotResult<R>> submitWithSlot(C command) {
    return Decoded.map(node.submitWithSlot(encode(command)), this::decode);
  }

  /**
   * Run a read-only {@code query} at {@code consistency}; see {@link PaxosNode#read(byte[],
   * Consistency)}.
   *
   * @param query the query, encoded with the command codec
   * @param consistency how fresh the answer must be
   * @return completes with the decoded answer
   * @throws IllegalArgumentException if the codec refuses {@code query}
   * @throws IllegalStateException if the node hosts no learner
   */
  public CompletableFuture<R> read(C query, Consistency consistency) {
    return Decoded.map(node.read(encode(query), consistency), codecs.results()::decode);
  }

  /**
   * Run {@code query} once the node has applied {@code minSlot}; see {@link PaxosNode#read(byte[],
   * Consistency, long)}.
   *
   * @param query the query, encoded with the command codec
   * @param consistency how fresh the answer must be
   * @param minSlot the slot the node must have applied first (from an earlier {@link
   *     TypedSlotResult}); 0 for none
   * @return completes with the slot read at and the decoded answer
   */
  public CompletableFuture<TypedSlotResult<R>> read(
      C query, Consistency consistency, long minSlot) {
    return Decoded.map(node.read(encode(query), consistency, minSlot), this::decode);
  }

  private byte[] encode(C value) {
    return codecs.commands().encode(Objects.requireNonNull(value, "command"));
  }

  private TypedSlotResult<R> decode(SlotResult r) {
    return new TypedSlotResult<>(r.slot(), codecs.results().decode(r.result()));
  }

  @Override
  public String toString() {
    return "typed view of node " + node.id();
  }
}
