package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.core.Consistency;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.PaxosClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kv get KEY}: prints {@code KEY = VALUE}, or {@code (not found)}. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Print KEY = VALUE, or (not found) (exit code 0 either way).",
      "A value that is not printable UTF-8 is shown as base64:... (--raw writes its bytes)."
    })
final class GetCommand extends KvAction {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Option(
      names = "--consistency",
      paramLabel = "LEVEL",
      converter = ConsistencyOption.class,
      defaultValue = "linearizable",
      description =
          "linearizable (the latest write, confirmed by the leader), lease (as linearizable,"
              + " served from the leader's lease if the servers enable leases), sequential (one"
              + " node, never going back in time) or stale (any node, now). Default:"
              + " ${DEFAULT-VALUE}.")
  Consistency consistency;

  @Option(
      names = "--raw",
      description = "Write the value's bytes exactly, with no key and no newline.")
  boolean raw;

  @Override
  void validate() {
    checkKey(key);
    if (raw && json) {
      throw new UsageException("--raw and --json exclude each other");
    }
  }

  @Override
  int run(PaxosClient client) throws Exception {
    KvResult r = result(await(client.read(KvCommand.get(key).encode(), consistency)));
    if (r instanceof KvResult.Error e) {
      return fail(Exits.FAILED, "the store refused: " + e.message());
    }
    if (json) {
      ObjectNode o = object().put("key", key).put("found", r instanceof KvResult.Found);
      if (r instanceof KvResult.Found f) {
        ValueText.put(o, "value", f.value());
      }
      print(o);
    } else if (r instanceof KvResult.Found f) {
      if (raw) {
        out().flush();
        kv.stdout.write(f.value());
        kv.stdout.flush();
      } else {
        line(key + " = " + ValueText.show(f.value()));
      }
    } else if (!raw) {
      line("(not found)");
    }
    return Exits.OK;
  }
}
