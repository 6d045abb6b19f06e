package io.paxos.examples.rowa;

import static io.paxos.examples.rowa.RowaStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.paxos.grpc.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store restarted with a transaction in doubt asks the learners: commit if the learner applied
 * the same writes in that slot, abort if the slot changed other keys or none, keep asking while no
 * learner has applied it (404) or one is down.
 */
class InDoubtResolverTest {
  @TempDir Path dir;

  /** A learner's {@code /rowa/outcome} that answers what {@code answer} holds (status, body). */
  private static HttpServer learner(AtomicReference<String[]> answer) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/rowa/outcome",
        ex -> {
          String[] a = answer.get();
          byte[] body = a[1].getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(Integer.parseInt(a[0]), body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    http.start();
    return http;
  }

  private RowaStore crashedInDoubt(Txn t) throws IOException {
    RowaStore s = RowaStore.open(dir, CrashPoints.none());
    s.prepare(0, t);
    s.close();
    return RowaStore.open(dir, CrashPoints.none());
  }

  @Test
  void commitsWhenTheLearnerAppliedTheSameWrites() throws IOException {
    Txn t = put(4, "k", "v");
    AtomicReference<String[]> answer = new AtomicReference<>(new String[] {"404", "not yet"});
    HttpServer http = learner(answer);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    try (RowaStore store = crashedInDoubt(t)) {
      Endpoint dead = new Endpoint("127.0.0.1", 1); // nothing listens: the next one is asked
      Endpoint alive = new Endpoint("127.0.0.1", http.getAddress().getPort());
      new InDoubtResolver(store, List.of(dead, alive), new PrintStream(said, true)).start();
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(store.inDoubt()).contains(t); // not applied at the learner yet: still in doubt

      answer.set(new String[] {"200", "TXN " + t.digest() + "\n"});
      // the line is printed after the commit: wait for it, then look at the store
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> said.toString().contains("RECOVERED in-doubt slot 4: OK 4 committed"));
      assertThat(store.inDoubt()).isEmpty();
      assertThat(store.committed()).isEqualTo(4);
      assertThat(store.read("k")).isEqualTo("VALUE 4 dg==");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void abortsWhenTheSlotHeldOtherWrites() throws IOException {
    Txn t = put(4, "k", "v");
    AtomicReference<String[]> answer =
        new AtomicReference<>(new String[] {"200", "TXN " + put(4, "k", "other").digest()});
    HttpServer http = learner(answer);
    try (RowaStore store = crashedInDoubt(t)) {
      new InDoubtResolver(
              store,
              List.of(new Endpoint("127.0.0.1", http.getAddress().getPort())),
              new PrintStream(OutputStream.nullOutputStream()))
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.inDoubt().isEmpty());
      assertThat(store.committed()).isZero();
      assertThat(store.read("k")).isEqualTo("NOT_FOUND 0");
    } finally {
      http.stop(0);
    }
  }
}
