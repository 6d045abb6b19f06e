package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.CommandFailedException;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Command;
import io.paxos.core.runtime.ApplyFailurePolicyTest.Ledger;
import io.paxos.core.transport.InMemoryNetwork;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under {@link ApplyFailurePolicy#FAIL_COMMAND}, a poisoned command submitted at a node that hosts
 * no learner (a proposer-only node of a split layout) fails for its caller with the same {@link
 * CommandFailedException} a learner's caller gets: the learners send it a {@code
 * HostMessage.CommandFailed}, as they send a result. The nodes' command timeout is 10 minutes and
 * every wait here 30 seconds: without the message, the caller would time out.
 */
class ApplyFailureWithoutLearnerTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final int PROPOSER = 1;
  private static final ClusterConfig SPLIT =
      ClusterConfig.withMajorities(
          "split",
          List.of(
              Member.of(PROPOSER, Role.PROPOSER),
              Member.of(11, Role.ACCEPTOR),
              Member.of(12, Role.ACCEPTOR),
              Member.of(13, Role.ACCEPTOR),
              Member.of(21, Role.LEARNER),
              Member.of(22, Role.LEARNER)));

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Integer, Ledger> ledgers = new TreeMap<>();
  private final Map<Integer, PaxosNode> nodes = new TreeMap<>();

  @AfterEach
  void closeAll() {
    nodes.values().forEach(PaxosNode::close);
  }

  private void startAll() {
    for (Member m : SPLIT.members()) {
      PaxosNodeBuilder b =
          PaxosNode.builder()
              .config(SPLIT)
              .nodeId(m.id())
              .transport(network.transport(m.id()))
              .options(FAST)
              .commandTimeout(Duration.ofMinutes(10))
              .applyFailures(ApplyFailurePolicy.FAIL_COMMAND);
      if (m.has(Role.LEARNER)) {
        Ledger ledger = new Ledger();
        ledgers.put(m.id(), ledger);
        b.stateMachine(ledger);
      }
      nodes.put(m.id(), b.build());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.get(PROPOSER).isLeader());
  }

  private static byte[] get(CompletableFuture<byte[]> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static long balance(byte[] result) {
    return ByteBuffer.wrap(result).getLong();
  }

  private static void assertFailsWith(Supplier<CompletableFuture<byte[]>> submit, String message) {
    assertThatThrownBy(() -> get(submit.get()))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("java.lang.IllegalArgumentException: " + message)
        .satisfies(
            e -> {
              CommandFailedException f = (CommandFailedException) e;
              assertThat(f.exceptionClass()).isEqualTo("java.lang.IllegalArgumentException");
              assertThat(f.exceptionMessage()).isEqualTo(message);
            });
  }

  private void awaitLearnersEqual(String state) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ledgers.values())
                    .allSatisfy(l -> assertThat(l.state()).isEqualTo(state)));
  }

  private int rejections() {
    return ledgers.values().stream().mapToInt(l -> l.rejected.get()).sum();
  }

  @Test
  void theFailureSentToTheOriginStaysWithinTheBoundsItsReceiverChecks() {
    int limit = PeerMessageBounds.MAX_FAILURE_CHARS;
    Command c = new Command(PROPOSER, 7, 9, new byte[0]);
    String atLimit = "m".repeat(limit);
    HostMessage.CommandFailed kept =
        ApplyFailures.toOrigin(21, c, 5, new ApplyFailure("a.B", atLimit));
    assertThat(kept)
        .isEqualTo(new HostMessage.CommandFailed(21, 7, 9, 5, "a.B", atLimit))
        .satisfies(m -> assertThat(PeerMessageBounds.malformed(m)).isEmpty());
    // A class name past the limit (no real one is) is cut, so the caller still hears of it.
    HostMessage.CommandFailed cut =
        ApplyFailures.toOrigin(21, c, 5, new ApplyFailure("C".repeat(limit + 1), null));
    assertThat(cut.exceptionClass()).isEqualTo("C".repeat(limit));
    assertThat(cut.exceptionMessage()).isEmpty();
    assertThat(PeerMessageBounds.malformed(cut)).isEmpty();
    CommandFailedException there = ApplyFailures.toCaller(kept);
    CommandFailedException here = ApplyFailures.toCaller(new ApplyFailure("a.B", atLimit));
    assertThat(List.of(there.exceptionClass(), there.exceptionMessage(), there.getMessage()))
        .isEqualTo(List.of(here.exceptionClass(), here.exceptionMessage(), here.getMessage()));
  }

  @Test
  void aPoisonedCommandAtANodeWithoutALearnerFailsForItsCaller() throws Exception {
    startAll();
    PaxosNode proposer = nodes.get(PROPOSER);
    assertThat(balance(get(proposer.submit(Ledger.amount(10))))).isEqualTo(10);

    // A plain command: both learners fail it and tell the proposer-only node.
    assertFailsWith(() -> proposer.submit(Ledger.amount(-100)), "balance 10 cannot pay 100");
    await().atMost(Duration.ofSeconds(30)).until(() -> rejections() == 2);

    // A session's command fails the same way, and so does its retry there, answered from the
    // learners' session tables without applying it again.
    long session = 0x5EC7L;
    assertFailsWith(
        () -> proposer.submit(session, 1, 1, Ledger.amount(-50)), "balance 10 cannot pay 50");
    await().atMost(Duration.ofSeconds(30)).until(() -> rejections() == 4);
    assertFailsWith(
        () -> proposer.submit(session, 1, 1, Ledger.amount(-50)), "balance 10 cannot pay 50");
    assertThatThrownBy(() -> proposer.submitWithSlot(Ledger.amount(-11)).get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("balance 10 cannot pay 11");

    // Later commands, plain and in the session, work, and the learners agree.
    assertThat(balance(get(proposer.submit(Ledger.amount(5))))).isEqualTo(15);
    assertThat(balance(get(proposer.submit(session, 2, 2, Ledger.amount(1))))).isEqualTo(16);
    awaitLearnersEqual("16 [10, 5, 1]");
    assertThat(rejections()).as("the retry was not applied again").isEqualTo(6);
    assertThat(nodes.values()).allSatisfy(n -> assertThat(n.status().failure()).isEmpty());
  }
}
