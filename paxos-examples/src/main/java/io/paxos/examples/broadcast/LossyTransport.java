package io.paxos.examples.broadcast;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.transport.PeerObserver;
import io.paxos.core.transport.Transport;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link Transport} that drops a fraction of the messages it is asked to send, chosen by a seeded
 * random generator, and passes the others to the transport it wraps: message loss between
 * processes, for the broadcast example and tests. Never used unless asked for ({@code --loss}).
 * Thread-safe as far as the wrapped transport is.
 */
public final class LossyTransport implements Transport {
  private final Transport delegate;
  private final double loss;
  private final Random random;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();

  /**
   * @param delegate the transport that carries the messages not dropped
   * @param loss the fraction of messages to drop, 0 (none) to below 1
   * @param seed the seed of the choice of messages
   */
  public LossyTransport(Transport delegate, double loss, long seed) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (!(loss >= 0 && loss < 1)) {
      throw new IllegalArgumentException("loss must be at least 0 and below 1, was " + loss);
    }
    this.loss = loss;
    this.random = new Random(seed);
  }

  @Override
  public void send(int to, PeerMessage message) {
    if (random.nextDouble() < loss) {
      dropped.incrementAndGet();
      return;
    }
    sent.incrementAndGet();
    delegate.send(to, message);
  }

  /** Messages dropped so far. */
  public long dropped() {
    return dropped.get();
  }

  /** Messages passed on so far. */
  public long sent() {
    return sent.get();
  }

  @Override
  public void observe(PeerObserver observer) {
    delegate.observe(observer);
  }

  @Override
  public Map<Integer, String> memberAddresses() {
    return delegate.memberAddresses();
  }

  @Override
  public void membershipChanged(ClusterConfig config, int epoch) {
    delegate.membershipChanged(config, epoch);
  }

  @Override
  public int maxMessageBytes() {
    return delegate.maxMessageBytes();
  }

  @Override
  public void start(Consumer<PeerMessage> inbound) {
    delegate.start(inbound);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
