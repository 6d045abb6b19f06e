package io.paxos.peers.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import io.paxos.peers.ClosedLoop;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The replicated key-value map. A message is {@code [request id: 8][key: 16][value]}; applying it
 * puts the value at the key and answers with the 8-byte request id (only the leader's session
 * sends: on a follower {@link ClientSession#offer} does nothing).
 */
final class KvService implements ClusteredService {
  static final int REQUEST_ID_BYTES = 8;

  private final Map<ByteBuffer, byte[]> map = new HashMap<>();
  private final UnsafeBuffer ack = new UnsafeBuffer(ByteBuffer.allocateDirect(REQUEST_ID_BYTES));
  private IdleStrategy idle;

  @Override
  public void onStart(Cluster cluster, Image snapshotImage) {
    idle = cluster.idleStrategy();
  }

  @Override
  public void onSessionMessage(
      ClientSession session,
      long timestamp,
      DirectBuffer buffer,
      int offset,
      int length,
      Header header) {
    if (length < REQUEST_ID_BYTES + ClosedLoop.KEY_BYTES) {
      return;
    }
    byte[] key = new byte[ClosedLoop.KEY_BYTES];
    buffer.getBytes(offset + REQUEST_ID_BYTES, key);
    byte[] value = new byte[length - REQUEST_ID_BYTES - ClosedLoop.KEY_BYTES];
    buffer.getBytes(offset + REQUEST_ID_BYTES + ClosedLoop.KEY_BYTES, value);
    map.put(ByteBuffer.wrap(key), value);

    ack.putLong(0, buffer.getLong(offset));
    idle.reset();
    long result;
    while ((result = session.offer(ack, 0, REQUEST_ID_BYTES)) < 0) {
      if (result == Publication.CLOSED
          || result == Publication.NOT_CONNECTED
          || result == Publication.MAX_POSITION_EXCEEDED) {
        return;
      }
      idle.idle();
    }
  }

  @Override
  public void onSessionOpen(ClientSession session, long timestamp) {}

  @Override
  public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {}

  @Override
  public void onTimerEvent(long correlationId, long timestamp) {}

  @Override
  public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
    // Never asked: Aeron Cluster takes no snapshot unless told to.
  }

  @Override
  public void onRoleChange(Cluster.Role newRole) {}

  @Override
  public void onTerminate(Cluster cluster) {}
}
