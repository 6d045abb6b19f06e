package io.paxos.core.sim;

import io.paxos.core.protocol.Command;

/** The identity of a client command: its client id and sequence number. */
record CommandKey(long clientId, long sequence) implements Comparable<CommandKey> {
  static CommandKey of(Command c) {
    return new CommandKey(c.clientId(), c.sequence());
  }

  @Override
  public int compareTo(CommandKey o) {
    int byClient = Long.compare(clientId, o.clientId);
    return byClient != 0 ? byClient : Long.compare(sequence, o.sequence);
  }

  @Override
  public String toString() {
    return clientId + "#" + sequence;
  }
}
