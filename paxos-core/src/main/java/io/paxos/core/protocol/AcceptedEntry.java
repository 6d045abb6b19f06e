package io.paxos.core.protocol;

/**
 * What an acceptor accepted for one slot: the ballot and the value. Reported in {@link
 * Message.Promise} so that a new leader re-proposes the value of the highest ballot.
 */
public record AcceptedEntry(long slot, Ballot ballot, Value value) {}
