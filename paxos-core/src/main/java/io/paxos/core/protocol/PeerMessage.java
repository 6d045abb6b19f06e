package io.paxos.core.protocol;

/**
 * What one node sends another: a protocol {@link Message}, which the node's roles handle, or a
 * {@code io.paxos.core.host.HostMessage}, which only the hosts exchange (a command's result, a
 * snapshot transfer) and which never reaches the roles. A {@link io.paxos.core.transport.Transport}
 * carries both kinds alike; a host tells them apart on receipt and checks every one against its
 * bounds ({@code io.paxos.core.host.PeerMessageBounds}) before anything sees it.
 *
 * <p>Those two sealed interfaces are the only subtypes (a test of the architecture checks it). This
 * one cannot be sealed itself: the library is not a named module, and a sealed type's permitted
 * subtypes must then share its package, while the protocol must not know the host's messages. A
 * host refuses a message of any other type.
 */
public interface PeerMessage {

  /** The sending node. */
  int from();
}
