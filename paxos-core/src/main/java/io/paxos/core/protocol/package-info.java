/**
 * The deterministic Multi-Paxos protocol: ballots, messages, the role interfaces {@link
 * io.paxos.core.protocol.Acceptor}, {@link io.paxos.core.protocol.Proposer} and {@link
 * io.paxos.core.protocol.Learner} with the library's implementations, and {@link
 * io.paxos.core.protocol.ProtocolNode}, which hosts a node's roles.
 *
 * <p>No threads, locks, clocks, I/O, logging or unseeded randomness live here: every input,
 * including the time, is passed in, and every effect is returned in an {@link
 * io.paxos.core.protocol.Outbox}. That is what lets the simulator replay any run from its seed.
 *
 * <p><b>Internal: not part of the API; may change in any release.</b> Public only because other
 * packages of this library use it: the runtime, the host contract, the simulator and paxos-grpc's
 * wire codec. Storage and transport implementations see some of its types ({@code Ballot}, {@code
 * Value}, {@code Command}, {@code Message}, {@code DurableState}, {@code AcceptedEntry}) in the SPI
 * signatures of {@code io.paxos.core.storage} and {@code io.paxos.core.transport}; they may hold,
 * store and pass them on, but applications should not construct or depend on anything else here.
 * Its javadoc is not published and not checked by doclint.
 */
package io.paxos.core.protocol;
