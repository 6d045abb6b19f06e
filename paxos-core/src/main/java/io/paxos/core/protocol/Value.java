package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import java.util.List;
import java.util.Objects;

/**
 * What one slot decides: a batch of client commands, a no-op that fills a hole left by a failed
 * leader, or a change of membership that ends its epoch (docs/membership.md).
 */
public sealed interface Value permits Value.Batch, Value.NoOp, Value.Reconfigure {

  /** The no-op value. */
  Value NOOP = NoOp.INSTANCE;

  /** The commands in this value, in the order they are applied; empty for a no-op. */
  List<Command> commands();

  /** Payload bytes carried, for batching limits. */
  int byteSize();

  /**
   * An equal value that holds its commands in one array, decoding each when it is read: for values
   * kept long (a learner's delivered values, an acceptor's entries of delivered slots), which then
   * cost the garbage collector one object per slot instead of two per command. Every value is in
   * that form already (a batch holds its {@link BatchCodec} bytes from the start), so this is the
   * value itself.
   */
  Value packed();

  /**
   * A batch of one or more commands, applied in list order. It holds them in their one binary form,
   * {@link BatchCodec}'s, made once where the batch is made (the proposer's batch) or taken as they
   * came (from a peer or the log, {@link BatchCodec#decode}): the bytes the wire carries and the
   * log stores, never encoded again. {@code commands()} reads each command from them.
   *
   * @param commands the commands, in order; at least one
   */
  record Batch(List<Command> commands) implements Value {
    /**
     * @throws IllegalArgumentException if {@code commands} is empty, or too large for one array
     */
    public Batch {
      commands = BatchCodec.pack(commands);
    }

    @Override
    public int byteSize() {
      return ((PackedCommands) commands).payloadBytes();
    }

    @Override
    public Batch packed() {
      return this;
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

  /**
   * A change of membership: chosen in slot {@code i} of epoch {@code epoch - 1}, it is that epoch's
   * last slot, and {@code next} governs slots {@code i + 1} onwards as epoch {@code epoch}. Nothing
   * is applied to the state machine. Its bytes are {@link MembershipCodec}'s.
   *
   * @param epoch the epoch {@code next} starts, from 1 to {@link Ballot#MAX_EPOCH}
   * @param next the membership of that epoch
   */
  record Reconfigure(int epoch, ClusterConfig next) implements Value {
    /**
     * @throws IllegalArgumentException if {@code epoch} is out of range
     */
    public Reconfigure {
      Objects.requireNonNull(next, "next");
      if (epoch < 1 || epoch > Ballot.MAX_EPOCH) {
        throw new IllegalArgumentException(
            "membership epoch " + epoch + " is out of range (1 to " + Ballot.MAX_EPOCH + ")");
      }
    }

    @Override
    public List<Command> commands() {
      return List.of();
    }

    @Override
    public int byteSize() {
      return MembershipCodec.encode(this).length;
    }

    @Override
    public Value packed() {
      return this;
    }
  }
}
