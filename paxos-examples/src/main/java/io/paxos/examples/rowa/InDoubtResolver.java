package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A store that restarts with a transaction in doubt (it voted yes, then crashed before the outcome)
 * asks the learners for the outcome, over their HTTP port ({@code GET /rowa/outcome?slot=S}, {@link
 * RowaRoutes}), until one knows it or a learner's own commit or abort resolves it first. A learner
 * knows it once it has applied the slot: the transaction's slot is a chosen Paxos slot, so if the
 * learner's writes of that slot are the ones in doubt (same digest) the outcome is commit, whatever
 * became of the learner that prepared it; if the slot changed other keys, or none, the transaction
 * is not the slot's and is aborted.
 */
final class InDoubtResolver {
  private static final Duration PAUSE = Duration.ofMillis(250);

  private final RowaStore store;
  private final List<Endpoint> learners;
  private final PrintStream out;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  InDoubtResolver(RowaStore store, List<Endpoint> learners, PrintStream out) {
    this.store = store;
    this.learners = List.copyOf(learners);
    this.out = out;
  }

  /** Resolve the transaction in doubt, if any, on a daemon thread. */
  void start() {
    if (store.inDoubt().isEmpty() || learners.isEmpty()) {
      return;
    }
    Thread t = new Thread(this::run, "store-in-doubt");
    t.setDaemon(true);
    t.start();
  }

  private void run() {
    while (true) {
      Optional<Txn> t = store.inDoubt();
      if (t.isEmpty()) {
        return; // a learner's COMMIT or ABORT came first
      }
      for (Endpoint learner : learners) {
        Optional<String> outcome = ask(learner, t.get().slot());
        if (outcome.isPresent()) {
          boolean commit = outcome.get().equals("TXN " + t.get().digest());
          String answer = commit ? store.commit(t.get().slot()) : store.abort(t.get().slot());
          out.println(
              "RECOVERED in-doubt slot "
                  + t.get().slot()
                  + ": "
                  + answer
                  + " (learner "
                  + learner
                  + " answered "
                  + outcome.get()
                  + ")");
          out.flush();
          return;
        }
      }
      try {
        Thread.sleep(PAUSE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * What {@code learner} knows of {@code slot}: {@code TXN digest} or {@code NONE}, if it knows.
   */
  private Optional<String> ask(Endpoint learner, long slot) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + learner.host()
                              + ":"
                              + learner.port()
                              + "/rowa/outcome?slot="
                              + slot))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String body = r.body().strip();
      if (r.statusCode() == 200 && (body.equals("NONE") || body.startsWith("TXN "))) {
        return Optional.of(body);
      }
      return Optional.empty(); // not applied there yet, or no longer held: ask again
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
