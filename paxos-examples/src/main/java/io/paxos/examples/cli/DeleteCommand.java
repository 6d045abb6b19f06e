package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.PaxosClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kv delete KEY}: prints {@code OK}, or {@code (not found)} if there was nothing. */
@Command(
    name = "delete",
    aliases = "del",
    mixinStandardHelpOptions = true,
    description =
        "Remove KEY. Prints OK, or (not found) if it had no value (exit code 0 either way).")
final class DeleteCommand extends KvAction {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  void validate() {
    checkKey(key);
  }

  @Override
  int run(PaxosClient client) throws Exception {
    KvResult r = result(await(client.submit(KvCommand.delete(key).encode())));
    if (r instanceof KvResult.Error e) {
      return fail(Exits.FAILED, "the store refused: " + e.message());
    }
    boolean deleted = r instanceof KvResult.Found;
    line(deleted ? "OK" : "(not found)");
    if (json) {
      ObjectNode o = object().put("op", "delete").put("key", key).put("deleted", deleted);
      if (r instanceof KvResult.Found f) {
        ValueText.put(o, "previous", f.value());
      }
      print(o);
    }
    return Exits.OK;
  }
}
