/**
 * The application-facing API: {@link io.paxos.core.StateMachine} to implement, {@link
 * io.paxos.core.Consistency} levels for reads, {@link io.paxos.core.Watch} and what it reports
 * ({@link io.paxos.core.AppliedSlot}), and the exceptions that complete a caller's future when a
 * command or read could not be carried out. The node itself is {@code
 * io.paxos.core.runtime.PaxosNode}.
 */
package io.paxos.core;
