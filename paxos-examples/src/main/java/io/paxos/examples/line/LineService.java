package io.paxos.examples.line;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.Consistency;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.OverloadedException;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.kv.KvResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out line-protocol requests on a node and words the reply line (without its {@code \n}):
 *
 * <ul>
 *   <li>{@code PUT key value}: {@code OK}; submitted through the node, which forwards it to the
 *       leader.
 *   <li>{@code GET key}: {@code VALUE value} or {@code NOT_FOUND}; a linearizable read.
 *   <li>{@code DEL key}: {@code DELETED} or {@code NOT_FOUND}.
 *   <li>Anything refused or failed: {@code ERR reason}. A write that timed out may or may not have
 *       been applied, and the reason says so.
 *   <li>{@code ERR unavailable: reason} ({@link #UNAVAILABLE}): this node could not take the
 *       request now (no leader known, overloaded, closing, no learner) and did not carry it out; it
 *       may be sent to another node, which is what the balancer does.
 * </ul>
 *
 * <p>{@link #handle} never throws and its future never fails, whatever the bytes. Thread-safe.
 */
public final class LineService {
  /**
   * How a refusal begins that left the request not carried out, so that another node may take it.
   */
  public static final String UNAVAILABLE = "ERR unavailable: ";

  private final PaxosNode node;
  private final Duration timeout;

  /**
   * @param node the node requests go through
   * @param timeout how long a request may take before it is answered {@code ERR} (the node's own
   *     command timeout usually ends it first)
   */
  public LineService(PaxosNode node, Duration timeout) {
    this.node = Objects.requireNonNull(node, "node");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The reply line to the request in {@code bytes[0..length)}, without its line end. */
  public CompletableFuture<String> handle(byte[] bytes, int length) {
    LineRequest request;
    byte[] command;
    try {
      request = LineRequest.parse(bytes, length);
      command = request.command().encode();
    } catch (LineProtocolException e) {
      return CompletableFuture.completedFuture(error(e.getMessage()));
    }
    int max = node.options().maxCommandBytes();
    if (command.length > max) {
      return CompletableFuture.completedFuture(
          error(
              "the key and value take "
                  + command.length
                  + " bytes as a command, over this cluster's limit of "
                  + max
                  + " bytes (max-command-bytes)"));
    }
    CompletableFuture<byte[]> result;
    try {
      result =
          request.verb() == LineRequest.Verb.GET
              ? node.read(command, Consistency.LINEARIZABLE)
              : node.submit(command);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failure(e, request));
    }
    return result
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((r, e) -> e == null ? answer(request, r) : failure(e, request));
  }

  private static String answer(LineRequest request, byte[] bytes) {
    KvResult result;
    try {
      result = KvResult.decode(bytes);
    } catch (RuntimeException e) {
      return error("the store answered something unreadable: " + e.getMessage());
    }
    if (result instanceof KvResult.NotFound) {
      return request.verb() == LineRequest.Verb.PUT ? "OK" : "NOT_FOUND";
    }
    if (!(result instanceof KvResult.Found found)) {
      return error("the store answered " + result);
    }
    return switch (request.verb()) {
      case PUT -> "OK";
      case DEL -> "DELETED";
      case GET -> value(request.key(), found.value());
    };
  }

  /** {@code VALUE v}, if {@code v} is one line of text (it may have been written over HTTP). */
  private static String value(String key, byte[] value) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      return error(
          "the value of '"
              + LineRequest.abbreviate(key)
              + "' is not UTF-8 text; read it over HTTP");
    }
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      return error(
          "the value of '" + LineRequest.abbreviate(key) + "' spans lines; read it over HTTP");
    }
    return "VALUE " + text;
  }

  private String failure(Throwable error, LineRequest request) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    boolean write = request.verb() != LineRequest.Verb.GET;
    String message = String.valueOf(t.getMessage());
    if (t instanceof NotLeaderException) {
      return unavailable("node " + node.id() + " has no leader to take it now: " + message);
    }
    if (t instanceof OverloadedException) {
      return unavailable("node " + node.id() + " is overloaded");
    }
    if (t instanceof NodeClosedException) {
      return unavailable("node " + node.id() + " does not serve: " + message);
    }
    if (t instanceof CommandTimeoutException || t instanceof TimeoutException) {
      return write
          ? error("timed out: the write may or may not have been applied; GET the key to find out")
          : error("timed out: the read was not answered in time; retry");
    }
    if (t instanceof IllegalStateException) {
      return unavailable("node " + node.id() + " cannot serve it: " + message);
    }
    return error(t.getClass().getSimpleName() + ": " + message);
  }

  /** {@code ERR unavailable: reason}, on one line: not carried out, try another node. */
  static String unavailable(String reason) {
    return error(UNAVAILABLE.substring(4) + reason);
  }

  /** {@code ERR reason}, on one line. */
  static String error(String reason) {
    return "ERR " + reason.replace('\n', ' ').replace('\r', ' ');
  }
}
