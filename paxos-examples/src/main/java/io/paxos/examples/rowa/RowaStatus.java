package io.paxos.examples.rowa;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.paxos.grpc.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * What a learner's {@link RowaDriver} last saw: shown at {@code GET /rowa/status}.
 *
 * @param learner the learner's node id
 * @param state {@code healthy}, {@code degraded: ...}, {@code standing by: ...}, {@code stuck: ...}
 * @param driving whether this learner commits to the stores
 * @param committed how many transactions this learner committed since it started
 * @param stores each store as the last heartbeat found it
 */
record RowaStatus(
    int learner,
    String state,
    boolean driving,
    @JsonProperty("transactions_committed") long committed,
    List<Store> stores) {

  /**
   * One store.
   *
   * @param address its address
   * @param reachable whether it answered the last heartbeat
   * @param committed its last committed slot (-1 if unknown)
   * @param inDoubt the slot of its transaction in doubt, 0 if none
   * @param driver the learner it names to drive
   * @param error why it did not answer, if it did not
   */
  record Store(
      String address,
      boolean reachable,
      @JsonProperty("last_committed_slot") long committed,
      @JsonProperty("in_doubt_slot") long inDoubt,
      int driver,
      String error) {}

  static RowaStatus starting(int learner, List<Endpoint> stores) {
    List<Store> s = new ArrayList<>();
    for (Endpoint e : stores) {
      s.add(new Store(e.toString(), false, -1, 0, 0, "no heartbeat yet"));
    }
    return new RowaStatus(learner, "starting", false, 0, s);
  }
}
