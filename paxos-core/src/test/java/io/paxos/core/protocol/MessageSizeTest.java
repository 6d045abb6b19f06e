package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.AcceptedQuery;
import io.paxos.core.protocol.Message.AcceptedReport;
import io.paxos.core.protocol.Message.CatchUpReply;
import io.paxos.core.protocol.Message.CatchUpRequest;
import io.paxos.core.protocol.Message.Forward;
import io.paxos.core.protocol.Message.ForwardRejected;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * No message a node builds exceeds {@link ProtocolOptions#maxMessageBytes()}, however many legal
 * commands are waiting: batches, promises, catch-up replies, reports and forwards are cut to fit,
 * and what is cut off still arrives (in more messages).
 */
class MessageSizeTest {
  private static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  private static final int COMMAND = 1000;
  // Room for a few commands per message, so that every kind of message has to be cut.
  private static final int LIMIT = (int) ProtocolOptions.oneCommandMessageBytes(COMMAND) * 3;
  private static final ProtocolOptions OPTIONS =
      ProtocolOptions.defaults().toBuilder()
          .maxCommandBytes(COMMAND)
          .maxBatchBytes(4 * COMMAND)
          .maxMessageBytes(LIMIT)
          .build();

  private final Outbox out = new Outbox();

  private static Command big(int origin, long sequence) {
    byte[] payload = new byte[COMMAND];
    payload[0] = (byte) sequence;
    return new Command(origin, 77, sequence, payload);
  }

  private static void assertFits(Outbox out) {
    for (int i = 0; i < out.sendCount(); i++) {
      Message m = out.sendMessage(i);
      assertThat(MessageBytes.of(m))
          .as("%s to node %d", m.getClass().getSimpleName(), out.sendTo(i))
          .isLessThanOrEqualTo(LIMIT);
    }
  }

  private DefaultProposer leader() {
    DefaultProposer p = new DefaultProposer(1, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY);
    p.tick(0, out);
    p.tick(OPTIONS.electionTimeoutMinMs(), out);
    Prepare prepare = sent(out, Prepare.class).get(0);
    out.clear();
    p.onPromise(new Promise(2, prepare.ballot(), 1, List.of()), 300, out);
    p.onPromise(new Promise(3, prepare.ballot(), 1, List.of()), 300, out);
    assertThat(p.isLeader()).isTrue();
    out.clear();
    return p;
  }

  /** The distinct Accepts in {@code out} (each is queued once per target), in order. */
  private static List<Accept> distinctAccepts(Outbox out) {
    List<Accept> accepts = new ArrayList<>();
    for (Accept a : sent(out, Accept.class)) {
      if (accepts.isEmpty() || accepts.get(accepts.size() - 1).firstSlot() != a.firstSlot()) {
        accepts.add(a);
      }
    }
    return accepts;
  }

  @Test
  void acceptsOfManyFullSlotsAreCutToTheLimitAndCoverEverySlot() {
    DefaultProposer p = leader();
    for (int i = 1; i <= 200; i++) {
      p.propose(big(1, i), 300, out);
    }
    List<Accept> accepts = new ArrayList<>();
    long now = 300;
    for (int round = 0; round < 1000; round++) {
      p.flush(now, out);
      assertFits(out);
      List<Accept> sentNow = distinctAccepts(out);
      if (round == 0) {
        long bytes = 0;
        for (Accept a : sentNow) {
          bytes += MessageBytes.of(a);
        }
        assertThat(bytes)
            .as("what is in flight before any vote: the budget, and at most one slot more")
            .isLessThanOrEqualTo((DefaultProposer.IN_FLIGHT_MESSAGES + 1L) * LIMIT);
      }
      out.clear();
      if (sentNow.isEmpty()) {
        break;
      }
      accepts.addAll(sentNow);
      for (Accept a : sentNow) {
        for (int acceptor : new int[] {2, 3}) {
          p.onAccepted(
              new Message.Accepted(acceptor, a.ballot(), a.firstSlot(), a.values().size()),
              now,
              out);
        }
      }
      out.clear();
    }
    assertThat(accepts).hasSizeGreaterThan(1);
    long next = 1;
    long commands = 0;
    for (Accept a : accepts) {
      assertThat(a.firstSlot()).isEqualTo(next);
      next = a.endSlot();
      commands += a.values().stream().mapToLong(v -> v.commands().size()).sum();
    }
    assertThat(commands).isEqualTo(200);
  }

  @Test
  void retransmissionsAreCutToo() {
    DefaultProposer p = leader();
    for (int i = 1; i <= 200; i++) {
      p.propose(big(1, i), 300, out);
    }
    p.flush(300, out);
    out.clear();
    p.tick(300 + OPTIONS.retransmitMs(), out);
    assertThat(sent(out, Accept.class)).hasSizeGreaterThan(2);
    assertFits(out);
  }

  @Test
  void oneBatchNeverOutgrowsAMessageWhateverMaxBatchBytesAllows() {
    ProtocolOptions loose = OPTIONS.toBuilder().maxBatchBytes(1 << 20).build();
    DefaultProposer p = new DefaultProposer(1, THREE, loose, NO_JITTER, DurableState.EMPTY);
    p.tick(0, out);
    p.tick(loose.electionTimeoutMinMs(), out);
    Prepare prepare = sent(out, Prepare.class).get(0);
    p.onPromise(new Promise(2, prepare.ballot(), 1, List.of()), 300, out);
    p.onPromise(new Promise(3, prepare.ballot(), 1, List.of()), 300, out);
    out.clear();
    for (int i = 1; i <= 50; i++) {
      p.propose(big(1, i), 300, out);
    }
    p.flush(300, out);
    assertFits(out);
  }

  /** An acceptor that accepted {@code slots} full slots in ballot (1, 2). */
  private DefaultAcceptor acceptorWith(int slots) {
    DefaultAcceptor a = new DefaultAcceptor(2, THREE, OPTIONS, DurableState.EMPTY);
    List<Value> values = new ArrayList<>();
    for (int s = 1; s <= slots; s++) {
      values.add(new Value.Batch(List.of(big(1, s))));
    }
    a.onAccept(new Accept(2, b(1, 2), 1, values, 1), 0, out);
    out.clear();
    return a;
  }

  @Test
  void aLargePromiseComesInPartsThatTogetherReportEverySlot() {
    DefaultAcceptor a = acceptorWith(20);
    Map<Long, AcceptedEntry> reported = new TreeMap<>();
    long from = 1;
    int parts = 0;
    while (true) {
      // Late enough that the acceptor is no longer loyal to leader 2.
      a.onPrepare(new Prepare(1, b(2, 1), from), 10_000, out);
      assertFits(out);
      Promise p = sent(out, Promise.class).get(0);
      out.clear();
      parts++;
      p.accepted().forEach(e -> reported.put(e.slot(), e));
      if (p.complete()) {
        break;
      }
      assertThat(p.nextFrom()).isGreaterThan(from);
      from = p.nextFrom();
    }
    assertThat(parts).isGreaterThan(1);
    assertThat(reported.keySet()).hasSize(20);
    assertThat(reported.keySet()).first().isEqualTo(1L);
    assertThat(reported.keySet()).last().isEqualTo(20L);
  }

  /**
   * Phase 1 is safe with a promise in parts: the acceptor counts towards the quorum only once its
   * last part arrived, and the new leader re-proposes what the later parts reported (a leader that
   * took the first part as the whole promise would fill slot 9 with a no-op).
   */
  @Test
  void aLeaderWaitsForEveryPartAndReproposesWhatTheLaterPartsReport() {
    DefaultProposer p = new DefaultProposer(1, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY);
    p.tick(0, out);
    p.tick(OPTIONS.electionTimeoutMinMs(), out);
    Prepare prepare = sent(out, Prepare.class).get(0);
    out.clear();
    Ballot old = b(0, 3);
    AcceptedEntry early = new AcceptedEntry(1, old, new Value.Batch(List.of(big(3, 1))));
    AcceptedEntry late = new AcceptedEntry(9, old, new Value.Batch(List.of(big(3, 9))));
    p.onPromise(new Promise(2, prepare.ballot(), 1, List.of(early), 5), 300, out);
    p.onPromise(new Promise(1, prepare.ballot(), 1, List.of()), 300, out);
    assertThat(p.isLeader()).as("acceptor 2 has sent one part of its promise only").isFalse();
    Prepare more = sent(out, Prepare.class).get(0);
    assertThat(more.fromSlot()).isEqualTo(5);
    assertThat(more.ballot()).isEqualTo(prepare.ballot());
    out.clear();
    p.onPromise(new Promise(2, prepare.ballot(), 5, List.of(late)), 300, out);
    assertThat(p.isLeader()).isTrue();
    p.flush(300, out);
    Map<Long, Value> proposed = new TreeMap<>();
    for (Accept a : sent(out, Accept.class)) {
      for (int i = 0; i < a.values().size(); i++) {
        proposed.put(a.firstSlot() + i, a.values().get(i));
      }
    }
    assertThat(proposed.get(1L)).isEqualTo(early.value());
    assertThat(proposed.get(9L)).isEqualTo(late.value());
    assertThat(proposed.get(5L)).isEqualTo(Value.NOOP);
  }

  /**
   * A part that starts above the slot it was asked from was cut by compaction: the slots below it
   * are chosen, and the new leader must not fill them with no-ops.
   */
  @Test
  void aLaterPartCutByCompactionMovesTheLeadersFirstSlot() {
    DefaultProposer p = new DefaultProposer(1, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY);
    p.tick(0, out);
    p.tick(OPTIONS.electionTimeoutMinMs(), out);
    Prepare prepare = sent(out, Prepare.class).get(0);
    out.clear();
    AcceptedEntry early = new AcceptedEntry(1, b(0, 3), new Value.Batch(List.of(big(3, 1))));
    p.onPromise(new Promise(2, prepare.ballot(), 1, List.of(early), 5), 300, out);
    out.clear();
    // Asked from 5, acceptor 2 answers from 8: it compacted through 7 meanwhile.
    p.onPromise(new Promise(2, prepare.ballot(), 8, List.of()), 300, out);
    p.onPromise(new Promise(3, prepare.ballot(), 1, List.of()), 300, out);
    assertThat(p.isLeader()).isTrue();
    p.propose(big(1, 1), 300, out);
    p.flush(300, out);
    assertThat(sent(out, Accept.class)).isNotEmpty();
    for (Accept a : sent(out, Accept.class)) {
      assertThat(a.firstSlot()).as("nothing proposed in compacted slots").isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void aDuplicatedFirstPartDoesNotCountAsTheWholePromise() {
    DefaultProposer p = new DefaultProposer(1, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY);
    p.tick(0, out);
    p.tick(OPTIONS.electionTimeoutMinMs(), out);
    Prepare prepare = sent(out, Prepare.class).get(0);
    out.clear();
    Promise first = new Promise(2, prepare.ballot(), 1, List.of(), 5);
    p.onPromise(first, 300, out);
    p.onPromise(first, 300, out);
    p.onPromise(new Promise(3, prepare.ballot(), 1, List.of(), 7), 300, out);
    assertThat(p.isLeader()).isFalse();
  }

  private ProtocolNode node(int id) {
    return new ProtocolNode(id, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY, RoleFactory.DEFAULT);
  }

  @Test
  void catchUpRepliesAreCutAndTheLearnerAsksOnFromWhereTheyEnd() {
    List<Value> chosen = new ArrayList<>();
    for (int s = 1; s <= 20; s++) {
      chosen.add(new Value.Batch(List.of(big(1, s))));
    }
    ProtocolNode served =
        new ProtocolNode(
            2,
            THREE,
            OPTIONS,
            NO_JITTER,
            new DurableState(Ballot.ZERO, List.of(), 0, chosen),
            RoleFactory.DEFAULT);
    served.receive(new CatchUpRequest(3, 1, 256), 0, out);
    assertFits(out);
    CatchUpReply reply = sent(out, CatchUpReply.class).get(0);
    assertThat(reply.values()).isNotEmpty().hasSizeLessThan(20);
    assertThat(reply.values()).isEqualTo(chosen.subList(0, reply.values().size()));
  }

  @Test
  void acceptedReportsAreCutToAShorterRange() {
    ProtocolNode n = node(2);
    List<Value> values = new ArrayList<>();
    for (int s = 1; s <= 20; s++) {
      values.add(new Value.Batch(List.of(big(1, s))));
    }
    n.receive(new Accept(1, b(1, 1), 1, values, 1), 0, out);
    out.clear();
    n.receive(new AcceptedQuery(3, 7, 1, 21), 0, out);
    assertFits(out);
    AcceptedReport report = sent(out, AcceptedReport.class).get(0);
    assertThat(report.fromSlot()).isEqualTo(1);
    assertThat(report.toSlot()).isLessThan(21);
    assertThat(report.accepted()).hasSize((int) (report.toSlot() - 1));
  }

  @Test
  void forwardsAndRejectionsAreCut() {
    ProtocolNode follower = node(2);
    follower.receive(new Heartbeat(1, b(1, 1), 1, 1), 0, out);
    out.clear();
    for (int i = 1; i <= 30; i++) {
      follower.submit(big(2, i), 0, out);
    }
    follower.flush(0, out);
    assertFits(out);
    List<Forward> forwards = sent(out, Forward.class);
    assertThat(forwards).hasSizeGreaterThan(1);
    List<Command> carried = new ArrayList<>();
    forwards.forEach(f -> carried.addAll(f.commands()));
    assertThat(carried).hasSize(30);
    assertThat(carried.get(0).sequence()).isEqualTo(1);
    assertThat(carried.get(29).sequence()).isEqualTo(30);

    // A node that does not lead hands them back, cut the same way.
    out.clear();
    ProtocolNode notLeader = node(3);
    notLeader.receive(new Heartbeat(1, b(1, 1), 1, 1), 0, out);
    out.clear();
    for (Forward f : forwards) {
      notLeader.receive(new Forward(2, f.leaderBallot(), f.commands()), 0, out);
    }
    assertFits(out);
    assertThat(sent(out, ForwardRejected.class).stream().mapToInt(r -> r.commands().size()).sum())
        .isEqualTo(30);
  }
}
