package io.paxos.grpc;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.paxos.core.observe.RateLimitedLog;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listening socket that keeps at most {@link Counter#max} accepted connections open: one more is
 * closed as soon as it is accepted, before any byte of it is read, and counted. The count goes down
 * when a connection closes, however it closes.
 *
 * <p>Runs on the server's boss event loop; the counter is thread-safe.
 */
final class CappedServerChannel extends NioServerSocketChannel {
  /** Connections open and refused on one port. Thread-safe. */
  static final class Counter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final RateLimitedLog log;

    Counter(int max, RateLimitedLog log) {
      this.max = max;
      this.log = log;
    }

    private boolean tryOpen() {
      while (true) {
        int n = open.get();
        if (n >= max) {
          refused.incrementAndGet();
          return false;
        }
        if (open.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    int open() {
      return open.get();
    }

    long refused() {
      return refused.get();
    }
  }

  private final Counter counter;

  CappedServerChannel(Counter counter) {
    this.counter = counter;
  }

  @Override
  protected int doReadMessages(List<Object> buf) throws Exception {
    int first = buf.size();
    int accepted = super.doReadMessages(buf);
    for (int i = buf.size() - 1; i >= first; i--) {
      Channel child = (Channel) buf.get(i);
      if (counter.tryOpen()) {
        child.closeFuture().addListener(f -> counter.open.decrementAndGet());
      } else {
        buf.remove(i);
        accepted--;
        counter.log.event(
            "connections closed at once: " + counter.max + " are open (the maximum)",
            "from " + child.remoteAddress());
        child.unsafe().closeForcibly();
      }
    }
    return accepted;
  }
}
