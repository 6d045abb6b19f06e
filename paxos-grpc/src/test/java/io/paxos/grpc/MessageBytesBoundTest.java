package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBytes;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import io.paxos.grpc.proto.PeerFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The core's size bound ({@link MessageBytes}, and {@link PeerMessageBounds#bytes} for messages of
 * both kinds) is an upper bound of the gRPC encoding: a message that the core keeps within {@code
 * maxMessageBytes} also fits a frame of that many bytes. Checked with every field at its widest
 * (ids, slots and ballots near {@code 2^63 - 1}).
 */
class MessageBytesBoundTest {
  private static final long MAX = Long.MAX_VALUE;

  private static int framed(PeerMessage m) {
    return PeerFrame.newBuilder().addMessages(MessageCodec.encode(m)).build().getSerializedSize();
  }

  private static Command widest(int payload) {
    return new Command(Integer.MAX_VALUE, -1L, MAX, MAX, new byte[payload]);
  }

  private static List<PeerMessage> widestMessages(int commands, int payload) {
    List<Command> cmds = new ArrayList<>();
    for (int i = 0; i < commands; i++) {
      cmds.add(widest(payload));
    }
    Value v = new Value.Batch(cmds);
    Ballot b = new Ballot(MAX, Integer.MAX_VALUE);
    List<Value> values = List.of(v, v.packed(), Value.NOOP);
    List<AcceptedEntry> entries =
        List.of(new AcceptedEntry(MAX, b, v), new AcceptedEntry(MAX - 1, b, Value.NOOP));
    List<PeerMessage> all = new ArrayList<>(MessageSamples.all(Integer.MAX_VALUE));
    all.add(new Message.Accept(Integer.MAX_VALUE, b, MAX - 3, values, MAX));
    all.add(new Message.CatchUpReply(Integer.MAX_VALUE, MAX - 3, values));
    all.add(new Message.Promise(Integer.MAX_VALUE, b, MAX - 1, entries, MAX));
    all.add(new Message.AcceptedReport(Integer.MAX_VALUE, MAX, MAX - 2, MAX, entries));
    all.add(new Message.Forward(Integer.MAX_VALUE, b, cmds));
    all.add(
        new Message.ForwardRejected(
            Integer.MAX_VALUE, cmds, Outbox.Rejection.OUTCOME_UNKNOWN, Integer.MAX_VALUE));
    return all;
  }

  @Test
  void theCoreBoundCoversTheEncodingOfEveryMessage() {
    for (int[] shape : new int[][] {{1, 0}, {1, 1}, {3, 200}, {1, 1 << 20}, {500, 17}}) {
      for (PeerMessage m : widestMessages(shape[0], shape[1])) {
        assertThat((long) framed(m))
            .as("%s of %d commands of %d bytes", m.getClass().getSimpleName(), shape[0], shape[1])
            .isLessThanOrEqualTo(PeerMessageBounds.bytes(m));
      }
    }
  }
}
