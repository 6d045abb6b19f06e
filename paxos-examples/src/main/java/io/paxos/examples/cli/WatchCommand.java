package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.core.AppliedSlot;
import io.paxos.core.SlotUnavailableException;
import io.paxos.examples.kv.KeyPatterns;
import io.paxos.examples.kv.KvChange;
import io.paxos.grpc.client.ClientWatch;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.client.WatchListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kv watch PATTERN...}: prints each change of a matching key, one line each, until
 * interrupted, following the cluster from node to node ({@link PaxosClient#watch}).
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Print every change of the keys matching PATTERN (a glob: user*, *:cart, exact, *), one"
          + " line each: SLOT put KEY = VALUE, or SLOT delete KEY; until interrupted.",
      "Follows the cluster through node failures and leader changes, with no change lost or"
          + " repeated. Exit code 1 if the slots to resume from are no longer retained (the"
          + " message says the oldest slot still available)."
    })
final class WatchCommand extends KvAction {
  @Parameters(arity = "1..*", paramLabel = "PATTERN", description = "Key patterns to watch.")
  List<String> patterns;

  @Option(
      names = "--from-slot",
      paramLabel = "SLOT",
      description =
          "Start at this slot, e.g. the slot after the last change seen (0: from the first);"
              + " default: from now.")
  Long fromSlot;

  @Option(
      names = "--max-changes",
      paramLabel = "N",
      description = "Exit after printing N changes (default: never).")
  Long maxChanges;

  private KeyPatterns keyPatterns;

  @Override
  void validate() {
    try {
      keyPatterns = KeyPatterns.of(patterns);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (fromSlot != null && fromSlot < 0) {
      throw new UsageException("--from-slot must not be negative, was " + fromSlot);
    }
    if (maxChanges != null && maxChanges < 1) {
      throw new UsageException("--max-changes must be at least 1, was " + maxChanges);
    }
  }

  @Override
  int run(PaxosClient client) throws Exception {
    long from = fromSlot != null ? fromSlot : await(client.status()).appliedSlot() + 1;
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicLong printed = new AtomicLong();
    WatchListener listener =
        new WatchListener() {
          @Override
          public void onSlot(AppliedSlot slot) {
            for (KvChange c : KvChange.of(slot, keyPatterns)) {
              if (done.isDone()) {
                return;
              }
              show(c);
              if (maxChanges != null && printed.incrementAndGet() >= maxChanges) {
                done.complete(Exits.OK);
              }
            }
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        };
    try (ClientWatch watch = client.watch(from, listener)) {
      try {
        return done.get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof SlotUnavailableException u) {
          return fail(
              Exits.FAILED,
              "slot "
                  + u.requestedSlot()
                  + " is no longer retained by any node; the oldest available is "
                  + u.oldestSlot()
                  + ": re-read the keys, then watch with --from-slot "
                  + u.oldestSlot());
        }
        throw e.getCause() instanceof Exception x ? x : e;
      }
    }
  }

  private void show(KvChange c) {
    if (json) {
      ObjectNode o =
          object()
              .put("slot", c.slot())
              .put("key", c.key())
              .put("op", c.deleted() ? "delete" : "put");
      c.value().ifPresent(v -> ValueText.put(o, "value", v));
      print(o);
    } else {
      line(
          c.slot()
              + (c.deleted()
                  ? " delete " + c.key()
                  : " put " + c.key() + " = " + ValueText.show(c.value().get())));
    }
    out().flush();
  }
}
