package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer stamps, keeps and writes events from many threads, with times in line order. */
class HistoryWriterTest {

  @Test
  void manyThreadsRecordEveryEventWithTimesInLineOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.jsonl");
    int threads = 8;
    int perThread = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (HistoryWriter writer = HistoryWriter.toFile(file)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long process = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    HistoryEvent put = writer.record(HistoryEvent.invokePut(process, "k", "v" + i));
                    writer.record(put.ok());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<HistoryEvent> events = HistoryReader.read(file);
    assertThat(events).hasSize(threads * perThread * 2);
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).timeNs()).isGreaterThanOrEqualTo(events.get(i - 1).timeNs());
    }
    // Every process's events are paired in order, so the history is well formed and checks.
    assertThat(new LinearizabilityChecker().check(events).operations())
        .isEqualTo(threads * perThread);
  }

  @Test
  void aClockThatGoesBackIsHeldAtItsHighestReading() throws IOException {
    long[] readings = {10, 30, 20, 40};
    AtomicLong next = new AtomicLong();
    StringWriter out = new StringWriter();
    try (HistoryWriter writer =
        HistoryWriter.to(out, () -> readings[(int) next.getAndIncrement()])) {
      for (int i = 0; i < readings.length; i++) {
        writer.record(HistoryEvent.invokeGet(i, "k"));
      }
      assertThat(writer.events())
          .extracting(HistoryEvent::timeNs)
          .containsExactly(10L, 30L, 30L, 40L);
    }
    assertThat(out.toString().lines()).hasSize(4);
  }

  @Test
  void recordingAfterCloseOrAFailingFileThrows() throws IOException {
    HistoryWriter closed = HistoryWriter.inMemory();
    closed.close();
    assertThatThrownBy(() -> closed.record(HistoryEvent.invokeGet(1, "k")))
        .isInstanceOf(IllegalStateException.class);

    Writer broken =
        new Writer() {
          @Override
          public void write(char[] buf, int off, int len) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    try (HistoryWriter writer = HistoryWriter.to(broken, System::nanoTime)) {
      assertThatThrownBy(() -> writer.record(HistoryEvent.invokeGet(1, "k")))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessage("cannot write the history");
    }
  }

  @Test
  void completionsAreBuiltOnlyFromInvocations() {
    HistoryEvent get = HistoryEvent.invokeGet(1, "k");
    assertThatThrownBy(get::ok).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> HistoryEvent.invokePut(1, "k", "v").okRead(java.util.Optional.empty()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> get.info().fail()).isInstanceOf(IllegalStateException.class);
  }
}
