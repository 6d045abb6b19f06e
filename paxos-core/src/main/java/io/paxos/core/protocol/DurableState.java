package io.paxos.core.protocol;

import java.util.List;

/**
 * What a node had made durable before it stopped, handed back to the roles when it starts again.
 *
 * @param promised the acceptor's promise
 * @param accepted the acceptor's accepted entries, at most one per slot (the last accepted)
 * @param maxRound the highest round the proposer used; it starts above it
 * @param chosen the values this node had learned as chosen, from slot 1 onward without gaps
 */
public record DurableState(
    Ballot promised, List<AcceptedEntry> accepted, long maxRound, List<Value> chosen) {
  /** A node that never ran. */
  public static final DurableState EMPTY = new DurableState(Ballot.ZERO, List.of(), 0, List.of());

  public DurableState {
    accepted = List.copyOf(accepted);
    chosen = List.copyOf(chosen);
  }
}
