package io.paxos.core.host.golden;

import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.InMemoryStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of a script: its storage (which outlives crashes) and, per incarnation, its {@link
 * ProtocolNode}, the {@link OutboxCarrier} that hosts it, the {@link ScriptedWriter} behind the
 * carrier, and its inbox (messages delivered to it, or handed back by its carrier, that it has not
 * taken yet). Not thread-safe.
 */
final class ScriptedNode {
  final int id;
  final Member member;
  final InMemoryStorage storage = new InMemoryStorage();
  final Outbox out = new Outbox();

  /** A message waiting in the inbox: from the network, or handed back by the node's carrier. */
  record Inbound(int from, PeerMessage message, boolean loopback) {}

  final List<Inbound> inbox = new ArrayList<>();
  int incarnation;
  ProtocolNode protocol;
  ScriptedWriter writer;
  OutboxCarrier carrier;

  ScriptedNode(Member member) {
    this.id = member.id();
    this.member = member;
    storage.markBootstrapped(); // every node is a first member of a new cluster
  }

  boolean has(Role role) {
    return member.has(role);
  }
}
