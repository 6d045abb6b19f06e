package io.paxos.core.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds small histories for tests: each call adds one operation's invocation and completion. */
final class Histories {
  private final List<HistoryEvent> events = new ArrayList<>();

  /** The index the next operation's invocation will have. */
  int next() {
    return events.size();
  }

  Histories put(long p, String key, String value, long call, long ret) {
    return done(HistoryEvent.invokePut(p, key, value), call, ret);
  }

  Histories get(long p, String key, String read, long call, long ret) {
    HistoryEvent invoke = HistoryEvent.invokeGet(p, key).at(call);
    events.add(invoke);
    events.add(invoke.okRead(Optional.ofNullable(read)).at(ret));
    return this;
  }

  Histories delete(long p, String key, long call, long ret) {
    return done(HistoryEvent.invokeDelete(p, key), call, ret);
  }

  /** A cas from {@code expected} (null: absent) to {@code value} that succeeded. */
  Histories cas(long p, String key, String expected, String value, long call, long ret) {
    return done(HistoryEvent.invokeCas(p, key, Optional.ofNullable(expected), value), call, ret);
  }

  /** A cas from {@code expected} (null: absent) to {@code value} whose comparison failed. */
  Histories casFailed(long p, String key, String expected, String value, long call, long ret) {
    HistoryEvent invoke =
        HistoryEvent.invokeCas(p, key, Optional.ofNullable(expected), value).at(call);
    events.add(invoke);
    events.add(invoke.fail().at(ret));
    return this;
  }

  Histories putFailed(long p, String key, String value, long call, long ret) {
    HistoryEvent invoke = HistoryEvent.invokePut(p, key, value).at(call);
    events.add(invoke);
    events.add(invoke.fail().at(ret));
    return this;
  }

  /** A put whose outcome is unknown: the client gave up at {@code gaveUp}. */
  Histories putInfo(long p, String key, String value, long call, long gaveUp) {
    HistoryEvent invoke = HistoryEvent.invokePut(p, key, value).at(call);
    events.add(invoke);
    events.add(invoke.info().at(gaveUp));
    return this;
  }

  /** A cas whose outcome is unknown. */
  Histories casInfo(long p, String key, String expected, String value, long call, long gaveUp) {
    HistoryEvent invoke =
        HistoryEvent.invokeCas(p, key, Optional.ofNullable(expected), value).at(call);
    events.add(invoke);
    events.add(invoke.info().at(gaveUp));
    return this;
  }

  /** An invocation that never completed (the history ends first). */
  Histories invokeOnly(HistoryEvent invoke, long call) {
    events.add(invoke.at(call));
    return this;
  }

  List<HistoryEvent> events() {
    return List.copyOf(events);
  }

  Verdict check() {
    return new LinearizabilityChecker().check(events);
  }

  private Histories done(HistoryEvent invoke, long call, long ret) {
    HistoryEvent at = invoke.at(call);
    events.add(at);
    events.add(at.ok().at(ret));
    return this;
  }
}
