package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kv put KEY VALUE}: set a key; prints {@code OK}. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Set KEY to VALUE (replicated before it returns). Prints OK.")
final class PutCommand extends KvAction {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8 text).")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VALUE",
      description = "The value as text, or - to read it (any bytes) from standard input.")
  String value;

  @Option(
      names = "--value-file",
      paramLabel = "FILE",
      description = "Read the value (any bytes) from FILE instead.")
  Path valueFile;

  private byte[] bytes;

  @Override
  void validate() {
    checkKey(key);
    bytes = Values.read(value, valueFile, kv.stdin);
  }

  @Override
  int run(PaxosClient client) throws Exception {
    KvResult r = result(await(client.submit(KvCommand.put(key, bytes).encode())));
    if (r instanceof KvResult.Error e) {
      return fail(Exits.FAILED, "the store refused: " + e.message());
    }
    line("OK");
    if (json) {
      ObjectNode o = object().put("op", "put").put("key", key).put("ok", true);
      if (r instanceof KvResult.Found f) {
        ValueText.put(o, "previous", f.value());
      } else {
        o.putNull("previous");
      }
      print(o);
    }
    return Exits.OK;
  }
}
