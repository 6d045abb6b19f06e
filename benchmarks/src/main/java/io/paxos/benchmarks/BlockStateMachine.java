package io.paxos.benchmarks;

import io.paxos.core.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A state machine with a large state, for measuring snapshots: {@code sizeBytes} of bytes in 64 KiB
 * blocks. A command (8 bytes) writes its own bytes into one block. {@link #snapshot()} is
 * copy-on-write: it copies only the array of block references, and a block is copied the first time
 * a command writes to it after a snapshot, so capturing stays fast however large the state is.
 * Counts snapshots and the time spent capturing and writing them.
 */
final class BlockStateMachine implements StateMachine {
  static final int BLOCK = 64 * 1024;

  private byte[][] blocks;
  private int[] blockGeneration;
  private int generation;
  private long applied;
  final AtomicLong snapshots = new AtomicLong();
  final AtomicLong captureNanos = new AtomicLong();
  final AtomicLong writeNanos = new AtomicLong();

  BlockStateMachine(long sizeBytes) {
    int count = (int) Math.max(1, sizeBytes / BLOCK);
    blocks = new byte[count][];
    for (int i = 0; i < count; i++) {
      blocks[i] = new byte[BLOCK];
    }
    blockGeneration = new int[count];
  }

  static byte[] command(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  @Override
  public byte[] apply(byte[] command) {
    long id = ByteBuffer.wrap(command).getLong();
    int index = (int) Math.floorMod(id, (long) blocks.length);
    if (blockGeneration[index] != generation) {
      blocks[index] = blocks[index].clone(); // the old one belongs to a snapshot
      blockGeneration[index] = generation;
    }
    int offset = (int) Math.floorMod(id / blocks.length, (long) (BLOCK - 8));
    ByteBuffer.wrap(blocks[index]).putLong(offset, id);
    applied++;
    return new byte[0];
  }

  @Override
  public byte[] query(byte[] query) {
    return ByteBuffer.allocate(8).putLong(applied).array();
  }

  @Override
  public Snapshot snapshot() {
    long start = System.nanoTime();
    byte[][] view = blocks.clone();
    long count = applied;
    generation++;
    captureNanos.addAndGet(System.nanoTime() - start);
    snapshots.incrementAndGet();
    return out -> {
      long t = System.nanoTime();
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(count);
      data.writeInt(view.length);
      for (byte[] block : view) {
        data.write(block);
      }
      data.flush();
      writeNanos.addAndGet(System.nanoTime() - t);
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    applied = data.readLong();
    int count = data.readInt();
    blocks = new byte[count][];
    for (int i = 0; i < count; i++) {
      blocks[i] = new byte[BLOCK];
      data.readFully(blocks[i]);
    }
    blockGeneration = new int[count];
    generation = 0;
  }
}
