package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.PaxosClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kv cas KEY --expect OLD NEW}: set a key only if it holds the expected value (or, with
 * {@code --expect-absent}, none). Prints {@code OK}; when the key holds something else it changes
 * nothing, says what the key holds on stderr and exits {@value Exits#CAS_FAILED}.
 */
@Command(
    name = "cas",
    mixinStandardHelpOptions = true,
    description = {
      "Compare-and-set: set KEY to NEW only if it now holds the expected value (--expect,"
          + " --expect-file) or no value (--expect-absent). Prints OK.",
      "Otherwise nothing changes, stderr says what KEY holds, and the exit code is 5."
    })
final class CasCommand extends KvAction {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NEW",
      description = "The new value as text, or - to read it (any bytes) from standard input.")
  String value;

  @Option(
      names = "--value-file",
      paramLabel = "FILE",
      description = "Read the new value (any bytes) from FILE instead.")
  Path valueFile;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Expected expected;

  /** What the key must hold: exactly one of these. */
  static final class Expected {
    @Option(names = "--expect", paramLabel = "OLD", description = "The value KEY must hold now.")
    String text;

    @Option(
        names = "--expect-file",
        paramLabel = "FILE",
        description = "The value KEY must hold now (any bytes), from FILE.")
    Path file;

    @Option(names = "--expect-absent", description = "KEY must have no value now.")
    boolean absent;
  }

  private byte[] bytes;
  private Optional<byte[]> expect;

  @Override
  void validate() {
    checkKey(key);
    if (expected.file != null) {
      expect = Optional.of(Values.read(null, expected.file, kv.stdin));
    } else if (expected.text != null) {
      expect = Optional.of(expected.text.getBytes(StandardCharsets.UTF_8));
    } else {
      expect = Optional.empty();
    }
    bytes = Values.read(value, valueFile, kv.stdin);
  }

  @Override
  int run(PaxosClient client) throws Exception {
    KvResult r = result(await(client.submit(KvCommand.cas(key, expect, bytes).encode())));
    if (r instanceof KvResult.Error e) {
      return fail(Exits.FAILED, "the store refused: " + e.message());
    }
    if (!(r instanceof KvResult.CasOutcome outcome)) {
      throw new IllegalStateException("the node answered a compare-and-set with " + r);
    }
    if (json) {
      ObjectNode o = object().put("op", "cas").put("key", key).put("swapped", outcome.swapped());
      outcome
          .previous()
          .ifPresentOrElse(p -> ValueText.put(o, "previous", p), () -> o.putNull("previous"));
      print(o);
    }
    if (outcome.swapped()) {
      line("OK");
      return Exits.OK;
    }
    return fail(
        Exits.CAS_FAILED,
        "not set: "
            + key
            + outcome.previous().map(p -> " holds " + ValueText.show(p)).orElse(" has no value"));
  }
}
