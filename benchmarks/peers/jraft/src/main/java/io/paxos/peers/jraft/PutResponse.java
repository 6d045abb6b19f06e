package io.paxos.peers.jraft;

import java.io.Serializable;

/** The leader's answer to a {@link PutRequest}: applied, or the reason it was not. */
public final class PutResponse implements Serializable {
  private static final long serialVersionUID = 1L;

  public boolean applied;
  public String error;

  public PutResponse() {}

  public PutResponse(boolean applied, String error) {
    this.applied = applied;
    this.error = error;
  }
}
