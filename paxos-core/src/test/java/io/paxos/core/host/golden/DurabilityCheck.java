package io.paxos.core.host.golden;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import java.util.Optional;

/**
 * The durability rule, checked on each message as it leaves a scripted node (or comes back to it):
 * what the message claims about the sender's state must already be in the sender's durable state,
 * as a restart would find it. A {@code Prepare} needs its round, a {@code Promise} and a {@code
 * HeartbeatAck} the promise of their ballot, an {@code Accepted} an entry of its ballot (or higher)
 * in every slot it votes for that is not compacted. A violation is printed in the output as a
 * {@code VIOLATION} line, which fails the script whatever its expected output says: a rewrite
 * cannot bless it.
 */
final class DurabilityCheck {
  static final String MARK = "VIOLATION";

  private DurabilityCheck() {}

  /** What {@code message} from node {@code from} claims that {@code durable} does not hold. */
  static Optional<String> violation(int from, Message message, DurableState durable) {
    if (message instanceof Message.Prepare m && m.ballot().nodeId() == from) {
      if (durable.maxRound() < m.ballot().round()) {
        return Optional.of("round " + m.ballot().round() + " is not durable");
      }
    } else if (message instanceof Message.Promise m) {
      if (!durable.promised().isAtLeast(m.ballot())) {
        return Optional.of("promise " + m.ballot() + " is not durable");
      }
    } else if (message instanceof Message.HeartbeatAck m) {
      if (!durable.promised().isAtLeast(m.ballot())) {
        return Optional.of("promise " + m.ballot() + " is not durable");
      }
    } else if (message instanceof Message.Accepted m) {
      if (!durable.promised().isAtLeast(m.ballot())) {
        return Optional.of("promise " + m.ballot() + " is not durable");
      }
      for (long slot = m.firstSlot(); slot < m.firstSlot() + m.count(); slot++) {
        if (slot > durable.compactedThrough() && !holds(durable, slot, m)) {
          return Optional.of("the entry of slot " + slot + " at " + m.ballot() + " is not durable");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean holds(DurableState durable, long slot, Message.Accepted m) {
    for (AcceptedEntry e : durable.accepted()) {
      if (e.slot() == slot && e.ballot().isAtLeast(m.ballot())) {
        return true;
      }
    }
    return false;
  }
}
