package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * All safety checkers of one simulation, fed from the points where the simulator carries out a
 * node's outbox. Each hook checks the invariants that the reported change can break, so after every
 * step every invariant holds for the history so far. Not thread-safe.
 */
final class Checkers {
  final AgreementChecker agreement = new AgreementChecker();
  final ValidityChecker validity = new ValidityChecker();
  final IntegrityChecker integrity = new IntegrityChecker();
  final AcceptorChecker acceptors = new AcceptorChecker();
  final AcceptHistoryChecker history = new AcceptHistoryChecker();
  final ChosenChecker chosen;
  final ExactlyOnceChecker exactlyOnce;
  final CompactionChecker compaction;
  private final ReplicaChecker replicas;

  Checkers(ClusterConfig config, SimOptions options, ExactlyOnceChecker exactlyOnce) {
    this.exactlyOnce = exactlyOnce;
    this.chosen = new ChosenChecker(config, history);
    this.compaction = new CompactionChecker(config, options.joiners());
    this.replicas =
        options
            .stateMachine()
            .map(
                factory ->
                    new ReplicaChecker(
                        factory,
                        id -> config.member(id).map(m -> m.has(Role.LEARNER)).orElse(false),
                        options.seed(),
                        options.queryGenerator().orElse(null),
                        options.replicaCheck().orElse(null)))
            .orElse(null);
  }

  void onSubmit(Command command) {
    validity.onSubmit(command);
  }

  /**
   * A node (re)started from {@code durable} (after the snapshot it restored, if any): its replicas
   * are rebuilt from the snapshot (the chosen values it covers) and the log after it. A learner's
   * durable chosen values that it had not delivered yet (it crashed after making them durable,
   * before handing them on) are checked as deliveries first.
   */
  void onStart(ProtocolNode node, DurableState durable) {
    node.acceptor().ifPresent(a -> acceptors.onRestart(node.id(), a));
    if (node.learner().isPresent()) {
      List<Value> chosenLog = durable.chosen();
      long base = durable.compactedThrough(); // chosenLog starts at the slot after it
      long from = Math.max(integrity.nextSlot(node.id()), base + 1);
      for (long slot = from; slot <= base + chosenLog.size(); slot++) {
        Value value = chosenLog.get((int) (slot - base - 1));
        chosen.onDeliver(node.id(), slot, value);
        agreement.onDeliver(node.id(), slot, value);
        validity.onDeliver(node.id(), slot, value);
        integrity.onDeliver(node.id(), slot, value);
      }
      integrity.onStart(node.id(), node.learner().get().nextSlot());
      List<Value> log = new ArrayList<>(agreement.prefix(durable.compactedThrough()));
      log.addAll(durable.chosen());
      exactlyOnce.onStart(node.id(), log);
      if (replicas != null) {
        replicas.onStart(node.id(), durable.compactedThrough(), durable.chosen());
      }
    }
  }

  /** A learner installed a snapshot covering every slot through {@code slot}. */
  void onInstall(int learner, long slot) {
    integrity.onInstall(learner, slot);
    List<Value> covered = agreement.prefix(slot);
    exactlyOnce.onStart(learner, covered);
    if (replicas != null) {
      replicas.onInstall(learner, slot);
    }
  }

  /** A learner took a snapshot of every slot through {@code slot}. */
  void onSnapshot(int learner, long slot) {
    if (replicas != null) {
      replicas.onSnapshot(learner, slot);
    }
  }

  /**
   * A node finished a step (its state is synced); {@code snapshotOf} gives the slot the newest
   * durable snapshot of any node covers.
   */
  void afterStep(ProtocolNode node, IntToLongFunction snapshotOf) {
    node.acceptor()
        .ifPresent(
            a -> {
              acceptors.observe(node.id(), a.promised());
              compaction.check(
                  node.id(), a.compactedThrough(), snapshotOf, agreement.highestSlot());
            });
  }

  void onSent(int from, int incarnation, Message message) {
    if (message instanceof Message.Accept a) {
      history.onAccept(a);
    } else if (message instanceof Message.Prepare p) {
      history.onPrepare(p, incarnation);
    } else if (message instanceof Message.Accepted a) {
      acceptors.onSent(from, a);
      chosen.onAcceptedSent(a);
    } else if (message instanceof Message.Promise || message instanceof Message.HeartbeatAck) {
      acceptors.onSent(from, message);
    }
  }

  void onDeliver(int learner, long slot, Value value) {
    chosen.onDeliver(learner, slot, value);
    agreement.onDeliver(learner, slot, value);
    validity.onDeliver(learner, slot, value);
    integrity.onDeliver(learner, slot, value);
    exactlyOnce.onDeliver(learner, slot, value);
    if (replicas != null) {
      replicas.onDeliver(learner, slot, value);
    }
  }

  /** The client of {@code command} was told it succeeded: {@code learner} delivered it. */
  void onAcknowledged(CommandKey command, int learner, long slot) {
    exactlyOnce.onAcknowledged(command, learner, slot);
  }

  /** The client of {@code command} was told it was not proposed. */
  void onHandedBack(Command command) {
    exactlyOnce.onHandedBack(command);
  }

  /** The faults healed and every learner delivered the same slots. */
  void atEnd() {
    ClusterConfig members = chosen.latestMembership().config();
    exactlyOnce.checkAcknowledged(
        id -> members.member(id).map(m -> m.has(Role.LEARNER)).orElse(false));
    if (replicas != null) {
      replicas.checkConverged();
    }
  }
}
