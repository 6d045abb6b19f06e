package io.paxos.core.sim;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One write of the simulated key-value clients, as the bytes of a command: a marker byte, the
 * operation, then the key, the value and the expected value (each a length-prefixed UTF-8 string,
 * length -1 for none). Commands of the byte workload never start with the marker followed by a
 * valid encoding, and {@link #decode} returns null for them.
 *
 * @param op the operation
 * @param key the key
 * @param value {@code PUT}/{@code CAS}: the value written; null for {@code DELETE}
 * @param expected {@code CAS}: the value the key must hold, null if it must be absent
 */
record KvCommand(Op op, String key, String value, String expected) {
  /** A write operation. */
  enum Op {
    PUT,
    DELETE,
    CAS
  }

  private static final byte MARKER = (byte) 0xC5;

  /** The result of a write whose effect happened (a cas whose comparison held, a put, a delete). */
  static final byte[] APPLIED = {1};

  /** The result of a cas whose comparison did not hold: it changed nothing. */
  static final byte[] NOT_APPLIED = {0};

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MARKER);
      out.writeByte(op.ordinal());
      writeString(out, key);
      writeString(out, value);
      writeString(out, expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The write {@code payload} encodes, or null if it is not one (a byte-workload command). */
  static KvCommand decode(byte[] payload) {
    if (payload.length < 2 || payload[0] != MARKER || payload[1] < 0 || payload[1] > 2) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new java.io.ByteArrayInputStream(payload, 2, payload.length - 2))) {
      Op op = Op.values()[payload[1]];
      String key = readString(in);
      String value = readString(in);
      String expected = readString(in);
      if (key == null || in.available() != 0) {
        return null;
      }
      return new KvCommand(op, key, value, expected);
    } catch (IOException e) {
      return null; // truncated: random bytes that happened to start with the marker
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeShort(-1);
    } else {
      out.writeShort(0);
      out.writeUTF(s);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    short mark = in.readShort();
    if (mark == -1) {
      return null;
    }
    if (mark != 0) {
      throw new IOException("bad string mark");
    }
    return in.readUTF();
  }
}
