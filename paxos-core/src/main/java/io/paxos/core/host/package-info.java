/**
 * The host contract, carried out once for every host: {@link io.paxos.core.host.OutboxCarrier}
 * takes the {@link io.paxos.core.protocol.Outbox} a {@link io.paxos.core.protocol.ProtocolNode}
 * filled and carries it out under the durability rule (persist, sync, then send), through a {@link
 * io.paxos.core.host.StorageWriter} that may force on another thread or, in the simulator, as
 * simulated events. The runtime's event loop, the simulator, the protocol tests and the benchmarks
 * all drive nodes through it, so the simulator's seeds exercise the code production nodes run.
 *
 * <p>Hosts also exchange messages of their own beside the protocol's: {@link
 * io.paxos.core.host.HostMessage} (a command's result, a snapshot transfer), which the protocol's
 * roles never see. {@link io.paxos.core.host.PeerMessageBounds} checks every message from a peer,
 * of either kind, before anything sees it.
 *
 * <p>Like the protocol, nothing here starts a thread, reads a clock or does I/O itself: the writer
 * and the {@link io.paxos.core.host.OutboxCarrier.Effects} a host plugs in do. See {@code
 * docs/architecture.md} ("The durability rule") for the rule and why it holds.
 *
 * <p><b>Internal: not part of the API; may change in any release.</b> Public only because the
 * runtime, the simulator and the benchmarks, in other packages, drive nodes through it. Its javadoc
 * is not published and not checked by doclint.
 */
package io.paxos.core.host;
