package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.core.Consistency;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.PaxosClient;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kv scan [PREFIX]}: the keys that start with a prefix, in code point order, one {@code KEY
 * = VALUE} line each, asking page after page until {@code --limit} keys are printed. Every page is
 * its own read: keys written between pages may or may not show.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Print KEY = VALUE for every key that starts with PREFIX (all keys without one), in"
          + " code point order, at most --limit of them.",
      "When more keys match, the last line says where to go on: (more: --after LASTKEY)."
    })
final class ScanCommand extends KvAction {
  /** The most keys one {@code kv scan} prints. */
  static final int MAX_LIMIT = 1_000_000;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "PREFIX",
      defaultValue = "",
      description = "The prefix; empty for every key.")
  String prefix;

  @Option(
      names = "--after",
      paramLabel = "KEY",
      description = "Start after this key (the last key of an earlier scan).")
  String after;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "Print at most N keys, 1 to " + MAX_LIMIT + ". Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(
      names = "--consistency",
      paramLabel = "LEVEL",
      converter = ConsistencyOption.class,
      defaultValue = "linearizable",
      description =
          "linearizable, lease, sequential or stale, for each page. Default: ${DEFAULT-VALUE}.")
  Consistency consistency;

  @Override
  void validate() {
    if (!prefix.isEmpty()) {
      checkKey(prefix);
    }
    if (after != null) {
      checkKey(after);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new UsageException("--limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  @Override
  int run(PaxosClient client) throws Exception {
    Optional<String> from = Optional.ofNullable(after);
    int printed = 0;
    boolean more = true;
    while (more && printed < limit) {
      int page = Math.min(limit - printed, KvCommand.MAX_SCAN_LIMIT);
      KvResult r =
          result(await(client.read(KvCommand.scan(prefix, from, page).encode(), consistency)));
      if (r instanceof KvResult.Error e) {
        return fail(Exits.FAILED, "the store refused: " + e.message());
      }
      if (!(r instanceof KvResult.Entries entries)) {
        throw new IllegalStateException("the node answered a scan with " + r);
      }
      for (KvResult.Entry e : entries.entries()) {
        if (json) {
          ObjectNode o = object().put("key", e.key());
          ValueText.put(o, "value", e.value());
          print(o);
        } else {
          line(e.key() + " = " + ValueText.show(e.value()));
        }
        printed++;
        from = Optional.of(e.key());
      }
      more = entries.more();
      if (entries.entries().isEmpty()) {
        break; // nothing to go on from; a well-behaved store never says "more" with no entries
      }
    }
    if (more && from.isPresent()) {
      if (json) {
        print(object().put("more", true).put("after", from.get()));
      } else {
        line("(more: --after " + from.get() + ")");
      }
    } else if (printed == 0) {
      line("(no keys)");
    }
    return Exits.OK;
  }
}
