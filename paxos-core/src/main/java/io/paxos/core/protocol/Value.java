package io.paxos.core.protocol;

import java.util.List;

/**
 * What one slot decides: a batch of client commands, or a no-op that fills a hole left by a failed
 * leader.
 */
public sealed interface Value permits Value.Batch, Value.NoOp {

  /** The no-op value. */
  Value NOOP = NoOp.INSTANCE;

  /** The commands in this value, in the order they are applied; empty for a no-op. */
  List<Command> commands();

  /** Payload bytes carried, for batching limits. */
  int byteSize();

  /**
   * An equal value that holds its commands in one array, decoding each when it is read: for values
   * kept long (a learner's delivered values, an acceptor's entries of delivered slots), which then
   * cost the garbage collector one object per slot instead of two per command.
   */
  Value packed();

  /** A batch of one or more commands, applied in list order. */
  record Batch(List<Command> commands) implements Value {
    public Batch {
      commands = commands instanceof PackedCommands ? commands : List.copyOf(commands);
      if (commands.isEmpty()) {
        throw new IllegalArgumentException("a batch holds at least one command; use Value.NOOP");
      }
    }

    @Override
    public int byteSize() {
      if (commands instanceof PackedCommands p) {
        return p.payloadBytes();
      }
      int size = 0;
      for (Command c : commands) {
        size += c.payload().length;
      }
      return size;
    }

    @Override
    public Batch packed() {
      return commands instanceof PackedCommands ? this : new Batch(PackedCommands.of(commands));
    }
  }

  /** Fills a slot with nothing to apply. */
  enum NoOp implements Value {
    INSTANCE;

    @Override
    public List<Command> commands() {
      return List.of();
    }

    @Override
    public int byteSize() {
      return 0;
    }

    @Override
    public Value packed() {
      return this;
    }
  }
}
