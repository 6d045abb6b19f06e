package io.paxos.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The layout of a snapshot file, and its verification. All integers are little-endian.
 *
 * <pre>
 * file "snapshot-&lt;20-digit slot&gt;.snap":
 *   header   magic "PXSN" (int), format version (int), slot (long),
 *            cluster id length (int), cluster id (UTF-8)
 *   payload  the snapshot's bytes (session table, then the state machine's snapshot)
 *   trailer  payload length (long), CRC32C of the payload (int), CRC32C of the header (int),
 *            magic "PXSE" (int)                                                     20 bytes
 * </pre>
 *
 * A file is written under a temporary name and renamed once complete and forced, so a file with the
 * final name was complete at some point; the checksums catch damage since.
 */
final class SnapshotFile {
  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
  static final int MAGIC = 0x4E535850; // "PXSN" in little-endian
  static final int END_MAGIC = 0x45535850; // "PXSE" in little-endian
  static final int VERSION = 1;
  static final int TRAILER = 20;
  static final String TEMP_SUFFIX = ".tmp";

  private SnapshotFile() {}

  static String name(long slot) {
    return String.format("snapshot-%020d.snap", slot);
  }

  /** The slot in a file name of the form {@link #name}, or -1. */
  static long slotOf(String fileName) {
    if (fileName.length() != 34
        || !fileName.startsWith("snapshot-")
        || !fileName.endsWith(".snap")) {
      return -1;
    }
    String digits = fileName.substring(9, 29);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }

  static ByteBuffer header(long slot, String clusterId) {
    byte[] cluster = clusterId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(20 + cluster.length).order(ORDER);
    b.putInt(MAGIC).putInt(VERSION).putLong(slot).putInt(cluster.length).put(cluster).flip();
    return b;
  }

  static ByteBuffer trailer(long payloadLength, int payloadCrc, ByteBuffer header) {
    ByteBuffer b = ByteBuffer.allocate(TRAILER).order(ORDER);
    b.putLong(payloadLength).putInt(payloadCrc).putInt(crc(header)).putInt(END_MAGIC).flip();
    return b;
  }

  private static int crc(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().rewind());
    return (int) crc.getValue();
  }

  /** Why a snapshot file cannot be used. */
  static final class Invalid extends Exception {
    Invalid(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Read {@code file} through and check its header, length and both checksums.
   *
   * @return what it holds
   * @throws Invalid if it is not a complete, intact snapshot of slot {@code slot} of {@code
   *     clusterId}
   */
  static SnapshotInfo verify(Path file, long slot, String clusterId) throws IOException, Invalid {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer expected = header(slot, clusterId);
      int headerLength = expected.remaining();
      if (size < headerLength + TRAILER) {
        throw new Invalid("it is " + size + " bytes, too short for a snapshot");
      }
      ByteBuffer head = ByteBuffer.allocate(headerLength).order(ORDER);
      readFully(ch, head, 0);
      head.flip();
      if (head.getInt(0) != MAGIC || head.getInt(4) != VERSION) {
        throw new Invalid("it does not start with a snapshot header of format " + VERSION);
      }
      if (!head.equals(expected)) {
        throw new Invalid("its header does not name slot " + slot + " of cluster " + clusterId);
      }
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ORDER);
      readFully(ch, trailer, size - TRAILER);
      trailer.flip();
      long payloadLength = trailer.getLong(0);
      if (trailer.getInt(16) != END_MAGIC || payloadLength != size - headerLength - TRAILER) {
        throw new Invalid("its trailer is missing or does not match its length (torn write)");
      }
      if (trailer.getInt(12) != crc(head)) {
        throw new Invalid("its header fails its checksum");
      }
      CRC32C crc = new CRC32C();
      try (InputStream in = payload(ch, headerLength, payloadLength)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          crc.update(buf, 0, n);
        }
      }
      if ((int) crc.getValue() != trailer.getInt(8)) {
        throw new Invalid("its payload fails its CRC32C checksum");
      }
      return new SnapshotInfo(slot, payloadLength, trailer.getInt(8));
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  /** The payload of an open snapshot file; closing it does not close {@code ch}. */
  private static InputStream payload(FileChannel ch, long offset, long length) throws IOException {
    ch.position(offset);
    return new BoundedInputStream(Channels.newInputStream(ch), length, false);
  }

  /** Open the payload of a snapshot file for reading; closing the stream closes the file. */
  static InputStream openPayload(Path file, String clusterId, long slot, long length)
      throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ch.position(header(slot, clusterId).remaining());
      return new BoundedInputStream(Channels.newInputStream(ch), length, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** At most {@code length} bytes of another stream. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private final boolean closeInner;
    private long left;

    BoundedInputStream(InputStream in, long length, boolean closeInner) {
      this.in = in;
      this.left = length;
      this.closeInner = closeInner;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    /** Skips by seeking the file (the default would read the bytes skipped). */
    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(Math.max(n, 0), left));
      left -= skipped;
      return skipped;
    }

    @Override
    public void close() throws IOException {
      if (closeInner) {
        in.close();
      }
    }
  }
}
