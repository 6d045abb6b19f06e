package io.paxos.peers.jraft;

import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import io.paxos.peers.ClosedLoop;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The replicated key-value map: applying an entry puts its value at its key, then (on the leader)
 * runs the entry's closure, which answers the client.
 */
final class KvStateMachine extends StateMachineAdapter {
  private final Map<ByteBuffer, byte[]> map = new HashMap<>();

  @Override
  public void onApply(Iterator entries) {
    while (entries.hasNext()) {
      ByteBuffer data = entries.getData();
      if (data != null && data.remaining() >= ClosedLoop.KEY_BYTES) {
        byte[] key = new byte[ClosedLoop.KEY_BYTES];
        byte[] value = new byte[data.remaining() - ClosedLoop.KEY_BYTES];
        ByteBuffer copy = data.duplicate();
        copy.get(key).get(value);
        map.put(ByteBuffer.wrap(key), value);
      }
      if (entries.done() != null) {
        entries.done().run(Status.OK());
      }
      entries.next();
    }
  }
}
