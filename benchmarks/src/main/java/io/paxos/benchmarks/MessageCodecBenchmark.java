package io.paxos.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import io.paxos.grpc.MessageCodec;
import io.paxos.grpc.proto.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer wire format's cost per message: {@link MessageCodec} from the core's record to protobuf
 * bytes ({@link #encode}) and back ({@link #decode}), for the messages of the steady state: an
 * {@code Accept} carrying one slot with a batch of {@code batchCommands} W1 writes, and the small
 * {@code Accepted}, {@code Commit} and {@code Heartbeat}. {@link #valuePath} follows a batch from
 * the proposer's commands through the wire to the follower's commands ({@code -p message=accept -p
 * batchCommands=64}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MessageCodecBenchmark {
  private static final int FROM = 1;

  /** Which message: accept, accepted, commit or heartbeat. */
  @Param({"accept", "accepted", "commit", "heartbeat"})
  public String message;

  /** Commands in the Accept's batch. */
  @Param("16")
  public int batchCommands;

  private Message record;
  private byte[] bytes;
  private List<Command> commands;

  @Setup
  public void build() {
    record = sample(message, batchCommands);
    bytes = MessageCodec.encode(record).toByteArray();
    commands =
        record instanceof Message.Accept a ? a.values().get(0).commands() : List.<Command>of();
    commands = List.copyOf(commands);
  }

  /** A message of kind {@code kind} as a leader at ballot (7, 1) sends it around slot 1,000. */
  static Message sample(String kind, int batchCommands) {
    Ballot ballot = new Ballot(7, FROM);
    switch (kind) {
      case "accept":
        SplittableRandom random = new SplittableRandom(1);
        byte[] value = new byte[100];
        random.nextBytes(value);
        List<Command> commands = new ArrayList<>(batchCommands);
        for (int i = 0; i < batchCommands; i++) {
          commands.add(
              new Command(FROM, 0x1234_5678L, 5_000 + i, 4_990, Workload.put(random, value)));
        }
        return new Message.Accept(FROM, ballot, 1_000, List.of(new Value.Batch(commands)), 998);
      case "accepted":
        return new Message.Accepted(2, ballot, 1_000, 1);
      case "commit":
        return new Message.Commit(FROM, ballot, 1_000);
      case "heartbeat":
        return new Message.Heartbeat(FROM, ballot, 1_000, 77_000);
      default:
        throw new IllegalArgumentException(
            "message must be accept, accepted, commit or heartbeat, was " + kind);
    }
  }

  @Benchmark
  public byte[] encode() {
    return MessageCodec.encode(record).toByteArray();
  }

  @Benchmark
  public PeerMessage decode() throws InvalidProtocolBufferException {
    return MessageCodec.decode(Envelope.parseFrom(bytes), record.from());
  }

  /**
   * One value's path from the proposer's commands to a follower's: the leader makes the slot's
   * batch and its {@code Accept}, encodes it; the follower parses and decodes it, and reads every
   * command's payload as its learner would. Returns the payload bytes read.
   */
  @Benchmark
  public long valuePath() throws InvalidProtocolBufferException {
    if (commands.isEmpty()) {
      return 0;
    }
    Message.Accept accept =
        new Message.Accept(
            FROM, new Ballot(7, FROM), 1_000, List.of(new Value.Batch(commands)), 998);
    byte[] wire = MessageCodec.encode(accept).toByteArray();
    Message.Accept received = (Message.Accept) MessageCodec.decode(Envelope.parseFrom(wire), FROM);
    long read = 0;
    for (Command c : received.values().get(0).commands()) {
      read += c.payload().length;
    }
    return read;
  }
}
