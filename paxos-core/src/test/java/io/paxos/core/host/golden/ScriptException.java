package io.paxos.core.host.golden;

/** A script line the interpreter cannot run: an unknown command or a bad argument. */
final class ScriptException extends RuntimeException {
  ScriptException(String message) {
    super(message);
  }
}
