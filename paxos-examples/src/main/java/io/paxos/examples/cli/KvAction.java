package io.paxos.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.ClientDeadlineException;
import io.paxos.grpc.client.NoReachableNodeException;
import io.paxos.grpc.client.PaxosClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code kv} subcommand does around its one request: connect with the shared {@link
 * ClusterOptions}, run, print, and turn every way it can end into an exit code ({@link Exits}) and,
 * on failure, exactly one line on stderr. Subclasses implement {@link #run}.
 *
 * <p>One instance runs once, on the caller's thread; not thread-safe.
 */
abstract class KvAction implements java.util.concurrent.Callable<Integer> {
  /** The longest key, in UTF-8 bytes: the store's limit. */
  static final int MAX_KEY_BYTES = KvCommand.MAX_KEY_BYTES;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @ParentCommand KvCli kv;

  @Mixin ClusterOptions cluster;

  @Option(names = "--json", description = "Print one JSON object per result instead of text lines.")
  boolean json;

  /** Make the request with {@code client} and print its outcome; returns the exit code. */
  abstract int run(PaxosClient client) throws Exception;

  /** Check the arguments before connecting; throw {@link UsageException} for bad input. */
  void validate() {}

  @Override
  public final Integer call() {
    try {
      validate();
      try (PaxosClient client = cluster.connect(kv.env)) {
        return run(client);
      }
    } catch (UsageException e) {
      return fail(Exits.USAGE, e.getMessage());
    } catch (NoReachableNodeException e) {
      return fail(Exits.UNREACHABLE, "cannot reach the cluster: " + e.getMessage());
    } catch (ClientDeadlineException e) {
      return fail(
          Exits.TIMED_OUT, "timed out after " + show(cluster.timeout()) + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return fail(Exits.USAGE, "refused: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(Exits.FAILED, "interrupted");
    } catch (Exception e) {
      return fail(Exits.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      out().flush();
    }
  }

  /** Wait for {@code future}, which the client completes by the deadline; unwraps its failure. */
  <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      // The client fails the call at its deadline; the margin only guards against a lost future.
      return future.get(cluster.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception x) {
        throw x;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new ClientDeadlineException("no answer came");
    }
  }

  /** The store's answer, which is a well-formed {@link KvResult} unless a node misbehaves. */
  static KvResult result(byte[] bytes) {
    try {
      return KvResult.decode(bytes);
    } catch (IllegalArgumentException e) {
      // Not bad input (exit 2): the node answered something that is not a key-value result.
      throw new IllegalStateException(
          "the node's answer is not a key-value result: " + e.getMessage());
    }
  }

  /** {@code key} checked: not empty, and at most {@link #MAX_KEY_BYTES} in UTF-8. */
  static String checkKey(String key) {
    if (key.isEmpty()) {
      throw new UsageException("the key is empty: give a non-empty key");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new UsageException(
          "the key is " + bytes + " bytes long; the limit is " + MAX_KEY_BYTES + " bytes");
    }
    if (ValueText.utf8(key.getBytes(StandardCharsets.UTF_8)).filter(key::equals).isEmpty()) {
      throw new UsageException("the key is not valid Unicode text");
    }
    return key;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Print a text line, or nothing when {@code --json} is on. */
  void line(String text) {
    if (!json) {
      out().println(text);
    }
  }

  /** A JSON object to fill and {@link #print}. */
  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Print {@code node} on one line. */
  void print(ObjectNode node) {
    try {
      out().println(JSON.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Print {@code message} as one line on stderr, prefixed with the command; returns {@code code}.
   */
  int fail(int code, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("kv " + spec.name() + ": " + oneLine(message));
    err.flush();
    out().flush();
    return code;
  }

  static String oneLine(String message) {
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  static String show(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
