package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers a {@link ProtocolNode}'s peers' questions about past slots: a learner's {@code
 * CatchUpRequest} with the chosen values this node knows (from its learner, its proposer's recent
 * commits, or the values recovered from its storage at start), or else with its snapshot; and a
 * learner's {@code AcceptedQuery} with what this node's acceptor accepted. Each reply fits one
 * message ({@code maxMessageBytes}) and holds at least one entry; the asker asks again from where
 * it ends. Read-only: nothing to persist.
 *
 * <p>Not thread-safe; owned by its {@link ProtocolNode}.
 */
final class PastSlotsServer {
  private final int id;
  private final ProtocolOptions options;
  private final Acceptor acceptor;
  private final Proposer proposer;
  private final Learner learner;
  // The most bytes of values or entries one message carries.
  private final long messageBudget;
  private final List<Value> recovered;
  private final long recoveredFrom;

  /**
   * The roles are this node's (null where it hosts none); {@code state} is what it recovered, of
   * which the last {@code retainedSlots} chosen values are kept to serve.
   */
  PastSlotsServer(
      int id,
      ProtocolOptions options,
      Acceptor acceptor,
      Proposer proposer,
      Learner learner,
      DurableState state,
      long messageBudget) {
    this.id = id;
    this.options = options;
    this.acceptor = acceptor;
    this.proposer = proposer;
    this.learner = learner;
    this.messageBudget = messageBudget;
    List<Value> chosen = state.chosen();
    int keep = (int) Math.min(chosen.size(), options.retainedSlots());
    this.recovered = List.copyOf(chosen.subList(chosen.size() - keep, chosen.size()));
    this.recoveredFrom = state.nextChosenSlot() - keep;
  }

  /**
   * Send the chosen values from the request's slot on, as many as known in a row; with none known
   * there and the slot within this node's snapshot ({@code snapshotSlot}), the snapshot.
   */
  void serveCatchUp(Message.CatchUpRequest request, long snapshotSlot, Outbox out) {
    List<Value> values = new ArrayList<>();
    long slot = request.fromSlot();
    long bytes = 0;
    int max = Math.min(request.maxSlots(), options.maxSlotsPerMessage());
    while (values.size() < max) {
      Optional<Value> v = learner != null ? learner.delivered(slot) : Optional.empty();
      if (v.isEmpty() && proposer != null) {
        v = proposer.chosenValue(slot);
      }
      if (v.isEmpty() && slot >= recoveredFrom && slot < recoveredFrom + recovered.size()) {
        v = Optional.of(recovered.get((int) (slot - recoveredFrom)));
      }
      if (v.isEmpty()) {
        break;
      }
      long size = MessageBytes.value(v.get());
      if (!values.isEmpty() && bytes + size > messageBudget) {
        break; // the learner asks again from where this reply ends
      }
      values.add(v.get());
      bytes += size;
      slot++;
    }
    if (!values.isEmpty()) {
      out.send(request.from(), new Message.CatchUpReply(id, request.fromSlot(), values));
    } else if (request.fromSlot() <= snapshotSlot) {
      out.sendSnapshot(request.from());
    } else if (learner != null && learner.chosenBelow() > request.fromSlot()) {
      // Delivered here but no longer kept: an empty reply at this learner's commit point tells
      // the asker that the slots before it are chosen; it asks the acceptors for them.
      out.send(request.from(), new Message.CatchUpReply(id, learner.chosenBelow(), List.of()));
    }
  }

  /**
   * Report what this node's acceptor accepted in the queried slots. A query reaching into compacted
   * slots is not answered: with their entries gone, an answer would let an older ballot's value
   * look like the highest one reported. The querying learner gets those slots from a peer's
   * snapshot instead.
   */
  void answerQuery(Message.AcceptedQuery query, Outbox out) {
    if (query.fromSlot() <= acceptor.compactedThrough()) {
      return;
    }
    long to = Math.min(query.toSlot(), query.fromSlot() + options.maxSlotsPerMessage());
    List<AcceptedEntry> entries = new ArrayList<>();
    long bytes = 0;
    for (long slot = query.fromSlot(); slot < to; slot++) {
      Optional<AcceptedEntry> e = acceptor.accepted(slot);
      if (e.isPresent()) {
        long size = MessageBytes.entry(e.get());
        if (!entries.isEmpty() && bytes + size > messageBudget) {
          to = slot; // a shorter range: the learner narrows its query to it
          break;
        }
        entries.add(e.get());
        bytes += size;
      }
    }
    out.send(
        query.from(),
        new Message.AcceptedReport(id, query.queryId(), query.fromSlot(), to, entries));
  }
}
