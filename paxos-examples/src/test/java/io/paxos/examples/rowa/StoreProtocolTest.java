package io.paxos.examples.rowa;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile requests get one ERR line; the store neither crashes nor changes. */
class StoreProtocolTest {
  @TempDir Path dir;

  private static String ask(StoreProtocol p, String line) {
    return p.answer((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void malformedRequestsAreAnsweredWithAnError() throws IOException {
    try (RowaStore store = RowaStore.open(dir, CrashPoints.none())) {
      StoreProtocol p = new StoreProtocol(store);
      String max = Long.toString(Long.MAX_VALUE);
      String[] bad = {
        "",
        "HELLO",
        "prepare 0 1 1 aw== dg==",
        "PREPARE",
        "PREPARE 0",
        "PREPARE 0 1",
        "PREPARE 0 0 1 aw== dg==", // slot 0
        "PREPARE 0 -1 1 aw== dg==", // negative slot
        "PREPARE -1 1 1 aw== dg==", // negative prev
        "PREPARE 0 9223372036854775808 1 aw== dg==", // 2^63
        "PREPARE 0 +1 1 aw== dg==",
        "PREPARE 0 01 1 aw== dg==",
        "PREPARE 0 1 0", // no writes
        "PREPARE 0 1 " + max, // a huge count, no fields
        "PREPARE 0 1 65537",
        "PREPARE 0 1 2 aw== dg==", // fewer fields than the count
        "PREPARE 0 1 1 aw== dg== aw==", // more
        "PREPARE 0 1 1 !!! dg==", // key not base64
        "PREPARE 0 1 1 aw== ***", // value not base64
        "PREPARE 0 1 1 /w== dg==", // key not UTF-8
        "PREPARE 0 1 1  dg==", // empty key
        "PREPARE  0 1 1 aw== dg==", // two spaces
        "COMMIT",
        "COMMIT 0",
        "COMMIT -1",
        "COMMIT 1 2",
        "COMMIT 18446744073709551616",
        "ABORT x",
        "READ",
        "READ " + "k".repeat(1025),
        "STATUS now",
        "PING 0",
        "PING 2147483648",
        "PING " + max,
        "READ a\tb",
      };
      for (String b : bad) {
        assertThat(ask(p, b)).as(b).startsWith("ERR ");
      }
      assertThat(p.answer(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'})).startsWith("ERR ");
      assertThat(p.answer(new byte[0])).startsWith("ERR ");
      assertThat(store.status()).startsWith("STATUS committed 0 in-doubt - keys 0");

      // the extremes that are valid
      assertThat(ask(p, "READ " + "k".repeat(1024))).isEqualTo("NOT_FOUND 0");
      assertThat(ask(p, "PING " + Integer.MAX_VALUE)).isEqualTo("PONG 0 - " + Integer.MAX_VALUE);
      assertThat(ask(p, "COMMIT " + max)).startsWith("ERR slot " + max + " is not prepared");
      assertThat(ask(p, "PREPARE 0 " + max + " 1 aw== dg==")).isEqualTo("YES " + max);
      assertThat(ask(p, "COMMIT " + max + "\r")).isEqualTo("OK " + max + " committed");
      assertThat(ask(p, "READ k")).isEqualTo("VALUE " + max + " dg==");
    }
  }

  @Test
  void randomBytesNeverMakeItThrow() throws IOException {
    try (RowaStore store = RowaStore.open(dir, CrashPoints.none())) {
      StoreProtocol p = new StoreProtocol(store);
      Random random = new Random(42);
      String[] verbs = {"PREPARE ", "COMMIT ", "ABORT ", "READ ", "PING ", "STATUS", ""};
      for (int i = 0; i < 20_000; i++) {
        byte[] tail = new byte[random.nextInt(40)];
        random.nextBytes(tail);
        byte[] verb = verbs[random.nextInt(verbs.length)].getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(verb, verb.length + tail.length);
        System.arraycopy(tail, 0, line, verb.length, tail.length);
        String answer = p.answer(line);
        assertThat(answer).isNotNull().doesNotContain("\n");
      }
    }
  }

  @Test
  void overTcpALineOverTheLimitIsRefusedAndOthersAreAnswered() throws Exception {
    try (RowaStore store = RowaStore.open(dir, CrashPoints.none());
        StoreServer server = StoreServer.start(store, "127.0.0.1", 0, System.err)) {
      Endpoint at = new Endpoint("127.0.0.1", server.port());
      try (StoreClient c = new StoreClient(at, Duration.ofSeconds(10))) {
        assertThat(c.call("NONSENSE")).startsWith("ERR unknown request");
        assertThat(c.call("PREPARE 0 1 1 aw== dg==")).isEqualTo("YES 1");
        assertThat(c.call("COMMIT 1")).isEqualTo("OK 1 committed");
        // exactly the limit, line end included: answered
        String exact = "READ " + "k".repeat(StoreProtocol.MAX_LINE_BYTES - 6);
        assertThat(c.call(exact)).startsWith("ERR READ takes a key");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        byte[] big = new byte[StoreProtocol.MAX_LINE_BYTES + 1];
        Arrays.fill(big, (byte) 'x');
        out.write(big);
        out.write('\n');
        out.flush();
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(reply)
            .isEqualTo(
                "ERR request longer than "
                    + StoreProtocol.MAX_LINE_BYTES
                    + " bytes; closing the connection\n");
      }
      try (StoreClient c = new StoreClient(at, Duration.ofSeconds(5))) {
        assertThat(c.call("READ k")).isEqualTo("VALUE 1 dg==");
      }
    }
  }
}
