/**
 * The deterministic Multi-Paxos protocol: ballots, messages, the role interfaces {@link
 * io.paxos.core.protocol.Acceptor}, {@link io.paxos.core.protocol.Proposer} and {@link
 * io.paxos.core.protocol.Learner} with the library's implementations, and {@link
 * io.paxos.core.protocol.ProtocolNode}, which hosts a node's roles.
 *
 * <p>No threads, locks, clocks, I/O, logging or unseeded randomness live here: every input,
 * including the time, is passed in, and every effect is returned in an {@link
 * io.paxos.core.protocol.Outbox}. That is what lets the simulator replay any run from its seed.
 */
package io.paxos.core.protocol;
