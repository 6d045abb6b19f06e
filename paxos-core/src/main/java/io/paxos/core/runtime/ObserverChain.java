package io.paxos.core.runtime;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.Term;
import io.paxos.core.observe.LeadershipLoss;
import io.paxos.core.observe.LoggingObserver;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.NodeStarted;
import io.paxos.core.observe.WriteStep;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several observers as one, called in order. An observer that throws is logged and skipped for that
 * event: a broken metrics binding must not stop the node (its threads call this).
 */
final class ObserverChain implements NodeObserver {
  private static final Logger log = LoggerFactory.getLogger(ObserverChain.class);

  private final NodeObserver[] observers;

  private ObserverChain(List<NodeObserver> observers) {
    this.observers = observers.toArray(new NodeObserver[0]);
  }

  /** A node's observers: its {@link LoggingObserver} first, then {@code observers}. */
  static NodeObserver forNode(int nodeId, List<NodeObserver> observers) {
    List<NodeObserver> all = new ArrayList<>();
    all.add(new LoggingObserver(nodeId));
    all.addAll(observers);
    return of(all);
  }

  /** One observer calling each of {@code observers} (the one itself if there is only one). */
  static NodeObserver of(List<NodeObserver> observers) {
    return observers.size() == 1 ? observers.get(0) : new ObserverChain(observers);
  }

  private static void failed(NodeObserver o, RuntimeException e) {
    log.warn("observer {} failed: {}", o.getClass().getName(), e.toString());
  }

  @Override
  public void started(NodeStarted node, NodeGauges gauges) {
    for (NodeObserver o : observers) {
      try {
        o.started(node, gauges);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void stopped(String why) {
    for (NodeObserver o : observers) {
      try {
        o.stopped(why);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void nodeFailed(Throwable error) {
    for (NodeObserver o : observers) {
      try {
        o.nodeFailed(error);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void commandFailed(long slot, String exceptionClass) {
    for (NodeObserver o : observers) {
      try {
        o.commandFailed(slot, exceptionClass);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void proposed(int commands) {
    for (NodeObserver o : observers) {
      try {
        o.proposed(commands);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void chosen(long slot, int commands) {
    for (NodeObserver o : observers) {
      try {
        o.chosen(slot, commands);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void commitLatency(long nanos) {
    for (NodeObserver o : observers) {
      try {
        o.commitLatency(nanos);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void synced(long nanos) {
    for (NodeObserver o : observers) {
      try {
        o.synced(nanos);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void writeStep(WriteStep step, long nanos) {
    for (NodeObserver o : observers) {
      try {
        o.writeStep(step, nanos);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void becameLeader(Term term) {
    for (NodeObserver o : observers) {
      try {
        o.becameLeader(term);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void lostLeadership(Term term, LeadershipLoss why, Term higher) {
    for (NodeObserver o : observers) {
      try {
        o.lostLeadership(term, why, higher);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void leaderChanged(int leaderId) {
    for (NodeObserver o : observers) {
      try {
        o.leaderChanged(leaderId);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void membershipChanged(ClusterEpoch from, ClusterEpoch to) {
    for (NodeObserver o : observers) {
      try {
        o.membershipChanged(from, to);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void snapshotTaken(long slot, long bytes) {
    for (NodeObserver o : observers) {
      try {
        o.snapshotTaken(slot, bytes);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void snapshotInstalled(long slot, long bytes, int from) {
    for (NodeObserver o : observers) {
      try {
        o.snapshotInstalled(slot, bytes, from);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void catchUpStarted(long fromSlot, long toSlot) {
    for (NodeObserver o : observers) {
      try {
        o.catchUpStarted(fromSlot, toSlot);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void catchUpFinished(long slot, long nanos) {
    for (NodeObserver o : observers) {
      try {
        o.catchUpFinished(slot, nanos);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void peerReachable(int peer) {
    for (NodeObserver o : observers) {
      try {
        o.peerReachable(peer);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void peerUnreachable(int peer, String why) {
    for (NodeObserver o : observers) {
      try {
        o.peerUnreachable(peer, why);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void messagesDropped(int peer, long count) {
    for (NodeObserver o : observers) {
      try {
        o.messagesDropped(peer, count);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void messageRefused(int from, String why) {
    for (NodeObserver o : observers) {
      try {
        o.messageRefused(from, why);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }

  @Override
  public void campaignsStopped(Term highest, long maxRound) {
    for (NodeObserver o : observers) {
      try {
        o.campaignsStopped(highest, maxRound);
      } catch (RuntimeException e) {
        failed(o, e);
      }
    }
  }
}
