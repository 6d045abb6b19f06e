package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated clients. Each request is one logical operation; it is sent as a command with a
 * fresh (client id, sequence). If the protocol hands the command back unproposed, or no outcome
 * arrives within the client timeout, the client sends a replacement command with a new sequence
 * number (never the same one again: there is no deduplication table yet). A request completes when
 * any of its commands is delivered at some learner. Not thread-safe.
 */
final class Workload {
  static final class Request {
    final int id;
    final long clientId;
    final long createdAt;
    int attempt;
    CommandKey current;
    boolean complete;
    long completedAt;

    Request(int id, long clientId, long createdAt) {
      this.id = id;
      this.clientId = clientId;
      this.createdAt = createdAt;
    }

    @Override
    public String toString() {
      return "request " + id + " (attempt " + attempt + ", current " + current + ")";
    }
  }

  private static final int CLIENTS = 8;
  private static final long FIRST_CLIENT = 0x1000;

  private final SplittableRandom random;
  private final int total;
  private final List<Request> requests = new ArrayList<>();
  private final Map<CommandKey, Request> byKey = new HashMap<>();
  private final long[] nextSequence = new long[CLIENTS];
  private int completed;
  private int replacements;

  /** A workload of {@code total} requests, drawing payloads and clients from {@code random}. */
  Workload(SplittableRandom random, int total) {
    this.random = random;
    this.total = total;
  }

  Request newRequest(long now) {
    Request r = new Request(requests.size(), FIRST_CLIENT + random.nextInt(CLIENTS), now);
    requests.add(r);
    return r;
  }

  Request request(long id) {
    return requests.get((int) id);
  }

  /** A new command for {@code r}, submitted at node {@code origin}; it becomes the current one. */
  Command newAttempt(Request r, int origin) {
    int client = (int) (r.clientId - FIRST_CLIENT);
    long sequence = ++nextSequence[client];
    byte[] payload = new byte[2 + random.nextInt(11)];
    random.nextBytes(payload);
    payload[0] = (byte) (r.id % 16);
    Command c = new Command(origin, r.clientId, sequence, payload);
    if (r.attempt > 0) {
      replacements++;
    }
    r.attempt++;
    r.current = CommandKey.of(c);
    byKey.put(r.current, r);
    return c;
  }

  /** A learner delivered {@code value}; the requests of its commands are complete. */
  void onDelivered(Value value, long now) {
    for (Command c : value.commands()) {
      Request r = byKey.get(CommandKey.of(c));
      if (r != null && !r.complete) {
        r.complete = true;
        r.completedAt = now;
        completed++;
      }
    }
  }

  /**
   * {@code command} came back unproposed: the request to resubmit if this was its current command
   * and it has not completed, otherwise null.
   */
  Request onAbandoned(Command command) {
    CommandKey key = CommandKey.of(command);
    Request r = byKey.get(key);
    if (r == null || r.complete || !key.equals(r.current)) {
      return null;
    }
    r.current = null;
    return r;
  }

  int size() {
    return requests.size();
  }

  /** Whether all {@code total} requests were made and every one of them completed. */
  boolean allComplete() {
    return requests.size() == total && completed == total;
  }

  int replacements() {
    return replacements;
  }

  List<String> incomplete() {
    List<String> out = new ArrayList<>();
    for (Request r : requests) {
      if (!r.complete) {
        out.add(r.toString());
      }
    }
    if (requests.size() < total) {
      out.add((total - requests.size()) + " requests not yet made");
    }
    return out;
  }

  /** The latest completion time of any request. */
  long lastCompletion() {
    long last = 0;
    for (Request r : requests) {
      last = Math.max(last, r.completedAt);
    }
    return last;
  }
}
