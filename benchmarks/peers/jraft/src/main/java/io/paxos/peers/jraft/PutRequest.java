package io.paxos.peers.jraft;

import java.io.Serializable;

/** One W1 write from the client to the leader: key (16 bytes) then value. Hessian-serialized. */
public final class PutRequest implements Serializable {
  private static final long serialVersionUID = 1L;

  public byte[] command;

  public PutRequest() {}

  public PutRequest(byte[] command) {
    this.command = command;
  }
}
