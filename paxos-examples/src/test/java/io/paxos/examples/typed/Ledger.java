package io.paxos.examples.typed;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.paxos.core.typed.TypedStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.util.TreeMap;

/** A bank ledger in records that never lets an account go negative. */
final class Ledger implements TypedStateMachine<Ledger.Request, Ledger.Reply> {
  @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME)
  @JsonSubTypes({
    @JsonSubTypes.Type(Deposit.class),
    @JsonSubTypes.Type(Transfer.class),
    @JsonSubTypes.Type(Balance.class)
  })
  sealed interface Request {}

  record Deposit(String account, long amount) implements Request {}

  record Transfer(String from, String to, long amount) implements Request {}

  record Balance(String account) implements Request {}

  record Reply(boolean ok, long balance) {}

  static final JsonCodec<Request> REQUESTS = JsonCodec.of(Request.class, 1024);
  static final JsonCodec<Reply> REPLIES = JsonCodec.of(Reply.class, 1024);

  /** What the snapshot holds: the balances, by account in sorted order. */
  record State(TreeMap<String, Long> balances) {}

  private static final JsonCodec<State> STATE = JsonCodec.of(State.class, 1 << 20);

  private TreeMap<String, Long> balances = new TreeMap<>();

  @Override
  public Reply apply(Request request) {
    if (request instanceof Deposit d) {
      return new Reply(true, balances.merge(d.account(), d.amount(), Long::sum));
    } else if (request instanceof Transfer t) {
      return transfer(t);
    }
    return query(request);
  }

  private Reply transfer(Transfer t) {
    long from = balances.getOrDefault(t.from(), 0L);
    if (t.amount() < 0 || from < t.amount()) {
      return new Reply(false, from);
    }
    balances.put(t.from(), from - t.amount());
    balances.merge(t.to(), t.amount(), Long::sum);
    return new Reply(true, from - t.amount());
  }

  @Override
  public Reply query(Request request) {
    if (!(request instanceof Balance b)) {
      throw new IllegalArgumentException("a query must be a Balance, got " + request);
    }
    return new Reply(true, balances.getOrDefault(b.account(), 0L));
  }

  @Override
  public Snapshot snapshot() {
    return Snapshot.of(STATE, new State(balances));
  }

  @Override
  public void restore(InputStream in) throws IOException {
    balances = new TreeMap<>(STATE.readFrom(in).balances());
  }
}
