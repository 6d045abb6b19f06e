package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The simulated clients. Each request is one logical operation, sent as a command with a fresh
 * (client id, sequence). If the protocol hands the command back unproposed, or no outcome arrives
 * within the client timeout, the client tries again:
 *
 * <ul>
 *   <li>a one-shot client (even client numbers) sends a replacement command with a new sequence
 *       number, since its commands are not deduplicated;
 *   <li>a session client (odd client numbers) sends the same command again, with the same sequence
 *       and acknowledgement floor, possibly through another node: the replicated session table must
 *       apply it once ({@link ExactlyOnceChecker}).
 * </ul>
 *
 * <p>A request completes when any of its commands is delivered at some learner. Not thread-safe.
 */
final class Workload {
  static final class Request {
    final int id;
    final long clientId;
    final long createdAt;
    final boolean session;
    long sessionSequence;
    long acknowledgedBelow;
    byte[] payload;
    int attempt;
    CommandKey current;
    boolean complete;
    long completedAt;

    Request(int id, long clientId, long createdAt) {
      this.id = id;
      this.clientId = clientId;
      this.createdAt = createdAt;
      this.session = (clientId - FIRST_CLIENT) % 2 == 1;
    }

    @Override
    public String toString() {
      return "request " + id + " (attempt " + attempt + ", current " + current + ")";
    }
  }

  private static final int CLIENTS = 8;
  private static final long FIRST_CLIENT = 0x1000;

  private final SplittableRandom random;
  private final Function<RandomGenerator, byte[]> payloads;
  private final SplittableRandom payloadRandom;
  private final int total;
  private final List<Request> requests = new ArrayList<>();
  private final Map<CommandKey, Request> byKey = new HashMap<>();
  private final long[] nextSequence = new long[CLIENTS];
  private final List<TreeSet<Long>> unanswered = new ArrayList<>();
  private int completed;
  private int replacements;
  private int sessionRetries;

  /** A workload of {@code total} requests, drawing payloads and clients from {@code random}. */
  Workload(SplittableRandom random, int total) {
    this(random, total, null, 0);
  }

  /**
   * A workload whose payloads come from {@code payloads} (if not null), which draws from a
   * generator of its own seeded with {@code payloadSeed}, so the workload's other draws do not
   * depend on how much it draws.
   */
  Workload(
      SplittableRandom random,
      int total,
      Function<RandomGenerator, byte[]> payloads,
      long payloadSeed) {
    this.random = random;
    this.payloads = payloads;
    this.payloadRandom = payloads == null ? null : new SplittableRandom(payloadSeed);
    this.total = total;
    for (int i = 0; i < CLIENTS; i++) {
      unanswered.add(new TreeSet<>());
    }
  }

  Request newRequest(long now) {
    Request r = new Request(requests.size(), FIRST_CLIENT + random.nextInt(CLIENTS), now);
    requests.add(r);
    return r;
  }

  Request request(long id) {
    return requests.get((int) id);
  }

  /** A command for {@code r}, submitted at node {@code origin}; it becomes the current one. */
  Command newAttempt(Request r, int origin) {
    int client = (int) (r.clientId - FIRST_CLIENT);
    Command c;
    if (r.session && r.attempt > 0) {
      c = new Command(origin, r.clientId, r.sessionSequence, r.acknowledgedBelow, r.payload);
      sessionRetries++;
    } else {
      long sequence = ++nextSequence[client];
      byte[] payload = payloads != null ? payload() : randomPayload(r);
      if (r.session) {
        unanswered.get(client).add(sequence);
        r.sessionSequence = sequence;
        r.acknowledgedBelow = unanswered.get(client).first();
        r.payload = payload;
        c = new Command(origin, r.clientId, sequence, r.acknowledgedBelow, payload);
      } else {
        c = new Command(origin, r.clientId, sequence, payload);
      }
      if (r.attempt > 0) {
        replacements++;
      }
    }
    r.attempt++;
    r.current = CommandKey.of(c);
    byKey.put(r.current, r);
    return c;
  }

  private byte[] randomPayload(Request r) {
    byte[] payload = new byte[2 + random.nextInt(11)];
    random.nextBytes(payload);
    payload[0] = (byte) (r.id % 16);
    return payload;
  }

  private byte[] payload() {
    byte[] payload = payloads.apply(payloadRandom);
    if (payload == null) {
      throw new IllegalArgumentException("the command generator returned null");
    }
    return payload.clone(); // the generator may reuse its array
  }

  /**
   * A learner delivered {@code value}; the requests of its commands are complete, and {@code
   * acknowledged} receives each command whose delivery completed its request (its client is told it
   * succeeded).
   */
  void onDelivered(Value value, long now, Consumer<CommandKey> acknowledged) {
    for (Command c : value.commands()) {
      CommandKey key = CommandKey.of(c);
      Request r = byKey.get(key);
      if (r != null && !r.complete) {
        acknowledged.accept(key);
        r.complete = true;
        r.completedAt = now;
        completed++;
        if (r.session) {
          unanswered.get((int) (r.clientId - FIRST_CLIENT)).remove(r.sessionSequence);
        }
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

  /** Session commands sent again with their own (client id, sequence). */
  int sessionRetries() {
    return sessionRetries;
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
