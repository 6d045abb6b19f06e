package io.paxos.core.sim;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.storage.Storage;
import java.util.function.Consumer;

/**
 * A broken storage thread, for the checkers' own tests ({@link SimOptions#sendsBeforeSync()}): it
 * reports every write done as soon as it is queued, so the carrier the runtime runs sends votes
 * before they are durable, and a crash before the force loses what they vouched for.
 */
final class EarlyReportingWriter implements StorageWriter {
  private final StorageWriter writer;
  private long queued;

  EarlyReportingWriter(StorageWriter writer) {
    this.writer = writer;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    queued = writer.write(writes, sync);
    return queued;
  }

  @Override
  public long done() {
    return queued; // the break: not writer.done()
  }

  @Override
  public boolean atOnce() {
    return writer.atOnce();
  }

  @Override
  public void close(boolean finish) {
    writer.close(finish);
  }
}
