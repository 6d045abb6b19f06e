package io.paxos.core.linearizability;

import io.paxos.core.linearizability.Verdict.KeyVerdict;
import io.paxos.core.linearizability.Verdict.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The search for a linearization of one key's operations (a register), after Wing and Gong with
 * Lowe's just-in-time linearization, as in Porcupine and Knossos:
 *
 * <p>the invocations and completions, sorted by time, form a doubly linked list. Walking it from
 * the front, an invocation whose operation the register accepts is tentatively linearized: it and
 * its completion are lifted out of the list, the state advances, and the walk restarts at the
 * front. Reaching a completion means its operation had to be linearized by then and was not, so the
 * last linearization is undone (popped from a stack, put back in the list) and the walk continues
 * after it. Every (set of linearized operations, register state) reached is remembered, and a step
 * that reaches a remembered one is not taken again: it was, or is being, explored. An operation
 * whose outcome is unknown completes at +infinity, so it may take effect at any point after its
 * invocation, and the search succeeds when the walk reaches such a completion, since every definite
 * operation is then linearized and the rest may never have taken effect.
 *
 * <p>Single use; not thread-safe.
 */
final class KeySearch {
  private static final int HEAD = -2;
  private static final int NONE = -1;
  private static final int CLOCK_EVERY = 1024;
  private static final int PREFIX_SHOWN = 8;

  private final String key;
  private final List<Operation> ops;
  private final int[] opOf;
  private final boolean[] isCall;
  private final int[] partner;
  private final int[] next;
  private final int[] prev;
  private int head;

  private int bestDepth = -1;
  private int[] bestPrefix = new int[0];
  private int bestBlocked = NONE;
  private String bestState;

  private KeySearch(String key, List<Operation> unordered) {
    this.key = key;
    // Numbered in invocation order, so that a linearized set is mostly "all operations below some
    // number" and remembers compactly (see Seen).
    this.ops =
        unordered.stream()
            .sorted(Comparator.comparingLong(Operation::call).thenComparingInt(Operation::event))
            .toList();
    List<Operation> ops = this.ops;
    int n = ops.size();
    Integer[] order = new Integer[2 * n];
    for (int e = 0; e < 2 * n; e++) {
      order[e] = e;
    }
    // Entry e is the invocation (even) or completion (odd) of operation e / 2. On equal times an
    // invocation sorts first, so operations that touch count as concurrent.
    Arrays.sort(
        order,
        Comparator.<Integer>comparingLong(e -> time(e))
            .thenComparingInt(e -> e % 2)
            .thenComparingInt(e -> ops.get(e / 2).definite() ? 0 : 1)
            .thenComparingInt(e -> e));
    opOf = new int[2 * n];
    isCall = new boolean[2 * n];
    partner = new int[2 * n];
    next = new int[2 * n];
    prev = new int[2 * n];
    int[] position = new int[2 * n];
    for (int p = 0; p < 2 * n; p++) {
      int e = order[p];
      position[e] = p;
      opOf[p] = e / 2;
      isCall[p] = e % 2 == 0;
      next[p] = p + 1 < 2 * n ? p + 1 : NONE;
      prev[p] = p == 0 ? HEAD : p - 1;
    }
    for (int p = 0; p < 2 * n; p++) {
      int e = order[p];
      partner[p] = position[e ^ 1];
    }
    head = n == 0 ? NONE : 0;
  }

  private long time(int entry) {
    Operation op = ops.get(entry / 2);
    return entry % 2 == 0 ? op.call() : op.ret();
  }

  /**
   * Searches for a linearization of {@code ops} (all on {@code key}), giving up with {@link
   * Outcome#UNKNOWN} once {@code clock} reaches {@code deadline} or more than {@code maxStates}
   * states are remembered.
   */
  static KeyVerdict run(
      String key, List<Operation> ops, LongSupplier clock, long deadline, long maxStates) {
    return new KeySearch(key, ops).search(clock, deadline, maxStates);
  }

  private KeyVerdict search(LongSupplier clock, long deadline, long maxStates) {
    int n = ops.size();
    Set<Seen> seen = new HashSet<>();
    BitSet linearized = new BitSet(n);
    int[] stack = new int[n];
    String[] stackState = new String[n];
    int depth = 0;
    String state = null;
    long steps = 0;
    int entry = head;
    while (entry != NONE) {
      if (steps++ % CLOCK_EVERY == 0 && (clock.getAsLong() - deadline >= 0)) {
        return unknown("the time budget ran out", seen.size());
      }
      if (seen.size() > maxStates) {
        return unknown("more than " + maxStates + " states were remembered", seen.size());
      }
      Operation op = ops.get(opOf[entry]);
      if (isCall[entry]) {
        if (op.accepts(state)) {
          String after = op.apply(state);
          linearized.set(opOf[entry]);
          if (seen.add(Seen.of(linearized, after))) {
            stack[depth] = entry;
            stackState[depth] = state;
            depth++;
            state = after;
            lift(entry);
            entry = head;
            continue;
          }
          linearized.clear(opOf[entry]);
        }
        entry = next[entry];
      } else {
        if (!op.definite()) {
          break; // every definite operation is linearized; the unknown ones need not take effect
        }
        if (depth > bestDepth) {
          bestDepth = depth;
          bestPrefix = new int[depth];
          for (int i = 0; i < depth; i++) {
            bestPrefix[i] = opOf[stack[i]];
          }
          bestBlocked = opOf[entry];
          bestState = state;
        }
        if (depth == 0) {
          return refuted(seen.size());
        }
        depth--;
        int call = stack[depth];
        state = stackState[depth];
        linearized.clear(opOf[call]);
        unlift(call);
        entry = next[call];
      }
    }
    return new KeyVerdict(
        key, Outcome.LINEARIZABLE, n, seen.size(), List.of(), OptionalInt.empty(), "");
  }

  private void lift(int call) {
    unlink(call);
    unlink(partner[call]);
  }

  private void unlift(int call) {
    relink(partner[call]);
    relink(call);
  }

  private void unlink(int p) {
    setNext(prev[p], next[p]);
    if (next[p] != NONE) {
      prev[next[p]] = prev[p];
    }
  }

  private void relink(int p) {
    setNext(prev[p], p);
    if (next[p] != NONE) {
      prev[next[p]] = p;
    }
  }

  private void setNext(int p, int to) {
    if (p == HEAD) {
      head = to;
    } else {
      next[p] = to;
    }
  }

  private KeyVerdict unknown(String why, long states) {
    return new KeyVerdict(
        key,
        Outcome.UNKNOWN,
        ops.size(),
        states,
        List.of(),
        OptionalInt.empty(),
        "key " + HistoryJson.quote(key) + ": undecided, " + why + " (" + states + " states)");
  }

  private KeyVerdict refuted(long states) {
    List<Integer> prefix = new ArrayList<>(bestPrefix.length);
    StringBuilder text = new StringBuilder();
    text.append("key ")
        .append(HistoryJson.quote(key))
        .append(": no order of its ")
        .append(ops.size())
        .append(" operations explains what clients saw. The longest linearizable prefix has ")
        .append(bestPrefix.length)
        .append(bestPrefix.length == 1 ? " operation" : " operations");
    if (bestPrefix.length > PREFIX_SHOWN) {
      text.append(", the last ").append(PREFIX_SHOWN).append(" of which are");
    }
    text.append(':');
    if (bestPrefix.length > PREFIX_SHOWN) {
      text.append("\n    ... ").append(bestPrefix.length - PREFIX_SHOWN).append(" earlier");
    }
    for (int i = 0; i < bestPrefix.length; i++) {
      Operation op = ops.get(bestPrefix[i]);
      prefix.add(op.event());
      if (i >= bestPrefix.length - PREFIX_SHOWN) {
        text.append("\n    ").append(op.describe());
      }
    }
    Operation blocked = ops.get(bestBlocked);
    text.append("\n  after which the key is ")
        .append(Operation.show(bestState))
        .append(", and this operation cannot be placed before it completes:\n    ")
        .append(blocked.describe());
    return new KeyVerdict(
        key,
        Outcome.NOT_LINEARIZABLE,
        ops.size(),
        states,
        List.copyOf(prefix),
        OptionalInt.of(blocked.event()),
        text.toString());
  }

  /**
   * A remembered point of the search: the register, and which operations are linearized, as the
   * highest linearized number plus one and the numbers below it that are not linearized. Those are
   * few (operations concurrent with the last linearized one, and unknown outcomes that have not
   * taken effect), so a point costs tens of bytes, not a bit per operation of the key.
   */
  private static final class Seen {
    private final int high;
    private final int[] holes;
    private final String register;
    private final int hash;

    private Seen(int high, int[] holes, String register) {
      this.high = high;
      this.holes = holes;
      this.register = register;
      this.hash = (31 * high + Arrays.hashCode(holes)) * 31 + Objects.hashCode(register);
    }

    static Seen of(BitSet linearized, String register) {
      int high = linearized.length();
      int count = high - linearized.cardinality();
      int[] holes = new int[count];
      int h = 0;
      for (int i = linearized.nextClearBit(0); i < high; i = linearized.nextClearBit(i + 1)) {
        holes[h++] = i;
      }
      return new Seen(high, holes, register);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Seen other
          && other.hash == hash
          && other.high == high
          && Arrays.equals(other.holes, holes)
          && Objects.equals(other.register, register);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
