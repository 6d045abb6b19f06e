package io.paxos.peers.ratis;

import io.paxos.peers.ClosedLoop;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/** The replicated key-value map: applying an entry puts its value at its key and replies "OK". */
final class KvStateMachine extends BaseStateMachine {
  private static final Message OK = Message.valueOf("OK");
  private final Map<ByteString, byte[]> map = new HashMap<>();

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    if (data.size() >= ClosedLoop.KEY_BYTES) {
      // A copy: the entry's buffers belong to Ratis.
      byte[] command = data.toByteArray();
      map.put(
          ByteString.copyFrom(command, 0, ClosedLoop.KEY_BYTES),
          Arrays.copyOfRange(command, ClosedLoop.KEY_BYTES, command.length));
    }
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(OK);
  }
}
