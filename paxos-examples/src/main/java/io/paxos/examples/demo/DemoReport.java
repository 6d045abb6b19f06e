package io.paxos.examples.demo;

import java.util.List;

/**
 * What the demo observed.
 *
 * @param firstLeader the node that led before the crash
 * @param secondLeader the node that led after it
 * @param acknowledged writes acknowledged (every write is retried until it is)
 * @param retried writes that failed once (not leader, or outcome unknown at the crash) and were
 *     sent again
 * @param stateHashes the state hash of each surviving node, in node order
 * @param keys the number of keys in the agreed state
 */
public record DemoReport(
    int firstLeader,
    int secondLeader,
    int acknowledged,
    int retried,
    List<String> stateHashes,
    int keys) {

  /** Whether every surviving node holds the same state. */
  public boolean survivorsAgree() {
    return !stateHashes.isEmpty() && stateHashes.stream().distinct().count() == 1;
  }
}
