package io.paxos.core.runtime;

import io.paxos.core.Term;
import io.paxos.core.observe.LeadershipLoss;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.NodeStarted;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records a node's events as short strings (transitions) and counts (the hot-path ones). */
final class RecordingObserver implements NodeObserver {
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicLong proposed = new AtomicLong();
  final AtomicLong chosenSlots = new AtomicLong();
  final AtomicLong chosenCommands = new AtomicLong();
  final AtomicLong latencies = new AtomicLong();
  final AtomicLong syncs = new AtomicLong();
  volatile NodeGauges gauges;
  volatile NodeStarted started;

  @Override
  public void started(NodeStarted node, NodeGauges gauges) {
    this.started = node;
    this.gauges = gauges;
    events.add("started");
  }

  @Override
  public void stopped(String why) {
    events.add("stopped");
  }

  @Override
  public void proposed(int commands) {
    proposed.addAndGet(commands);
  }

  @Override
  public void chosen(long slot, int commands) {
    chosenSlots.incrementAndGet();
    chosenCommands.addAndGet(commands);
  }

  @Override
  public void commitLatency(long nanos) {
    if (nanos >= 0) {
      latencies.incrementAndGet();
    }
  }

  @Override
  public void synced(long nanos) {
    syncs.incrementAndGet();
  }

  @Override
  public void becameLeader(Term term) {
    events.add("becameLeader");
  }

  @Override
  public void lostLeadership(Term term, LeadershipLoss why, Term higher) {
    events.add("lostLeadership " + why);
  }

  @Override
  public void leaderChanged(int leaderId) {
    events.add("leader " + leaderId);
  }

  @Override
  public void snapshotTaken(long slot, long bytes) {
    events.add("snapshotTaken");
  }

  @Override
  public void snapshotInstalled(long slot, long bytes, int from) {
    events.add("snapshotInstalled");
  }

  @Override
  public void catchUpStarted(long fromSlot, long toSlot) {
    events.add("catchUpStarted");
  }

  @Override
  public void catchUpFinished(long slot, long nanos) {
    events.add("catchUpFinished");
  }

  long count(String prefix) {
    return events.stream().filter(e -> e.startsWith(prefix)).count();
  }
}
