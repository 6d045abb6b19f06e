package io.paxos.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.MessageBytes;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.storage.InMemoryStorage;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PeerMessageBounds}, the check of every message from a peer: the host's own messages at the
 * edges of every bound (0, -1, the limit, the limit + 1, MAX_VALUE), protocol messages handed to
 * the node's {@link ProtocolNode#refusal}, and a message of neither kind refused.
 */
class PeerMessageBoundsTest {
  private static final long MAX_SLOT = MessageBounds.MAX_SLOT;
  private static final MessageLimits LIMITS = new MessageLimits(1000, 50, 1 << 20, 1L << 40);

  // 1-3 host every role; 4 is an acceptor only, 5 a learner only.
  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities(
          "bounds",
          List.of(
              Member.allRoles(1),
              Member.allRoles(2),
              Member.allRoles(3),
              Member.of(4, Role.ACCEPTOR),
              Member.of(5, Role.LEARNER)));

  private final ProtocolNode node =
      new ProtocolNode(
          1,
          CONFIG,
          ProtocolOptions.defaults(),
          new SplittableRandom(1),
          new InMemoryStorage().load(),
          RoleFactory.DEFAULT,
          true,
          LIMITS);

  /** A message of neither kind, as a transport of the application's own could hand over. */
  private record Stranger(int from) implements PeerMessage {}

  private Optional<String> check(PeerMessage m) {
    return PeerMessageBounds.refusal(m, node);
  }

  @Test
  void snapshotChunksStayInsideTheirTotalAndTheLimit() {
    byte[] ten = new byte[10];
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 0, 10, 0, ten))).isEmpty();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 1, 10, 0, ten))).isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, -1, 10, 0, ten))).isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 0, 9, 0, ten))).isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 0, -1, 0, new byte[0]))).isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, Long.MAX_VALUE, Long.MAX_VALUE, 0, ten)))
        .isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 0, 1 << 20, 0, ten))).isEmpty();
    assertThat(check(new HostMessage.SnapshotChunk(2, 5, 0, (1 << 20) + 1, 0, ten)))
        .hasValueSatisfying(why -> assertThat(why).contains("exceeds the limit"));
    assertThat(check(new HostMessage.SnapshotRequest(2, 5, 1 << 20))).isEmpty();
    assertThat(check(new HostMessage.SnapshotRequest(2, 5, (1 << 20) + 1))).isPresent();
    assertThat(check(new HostMessage.SnapshotRequest(2, 5, -1))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE, MAX_SLOT + 1, Long.MAX_VALUE})
  void slotsOutsideZeroToTheMaximumAreRefused(long slot) {
    assertThat(check(new HostMessage.SnapshotRequest(2, slot, 0))).isPresent();
    assertThat(check(new HostMessage.SnapshotChunk(2, slot, 0, 0, 0, new byte[0]))).isPresent();
    assertThat(check(new HostMessage.CommandResult(2, 1, 1, slot, new byte[0]))).isPresent();
    assertThat(
            PeerMessageBounds.malformed(new HostMessage.CommandResult(2, 1, 1, slot, new byte[0])))
        .isPresent();
    assertThat(check(failed(2, slot, "E", ""))).isPresent();
    assertThat(PeerMessageBounds.malformed(failed(2, slot, "E", ""))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, MAX_SLOT})
  void slotsFromZeroToTheMaximumPass(long slot) {
    assertThat(check(new HostMessage.SnapshotRequest(2, slot, 0))).isEmpty();
    assertThat(check(new HostMessage.SnapshotChunk(2, slot, 0, 0, 0, new byte[0]))).isEmpty();
    assertThat(check(new HostMessage.CommandResult(2, 1, 1, slot, new byte[0]))).isEmpty();
    assertThat(check(failed(2, slot, "E", ""))).isEmpty();
  }

  private static HostMessage.CommandFailed failed(int from, long slot, String cls, String msg) {
    return new HostMessage.CommandFailed(from, 1, 1, slot, cls, msg);
  }

  @Test
  void aFailureNamesItsClassAndKeepsBothStringsWithinTheLimit() {
    int limit = PeerMessageBounds.MAX_FAILURE_CHARS;
    assertThat(limit).isEqualTo(ApplyFailure.MAX_MESSAGE_CHARS);
    String atLimit = "x".repeat(limit);
    String pastLimit = "x".repeat(limit + 1);
    assertThat(check(failed(2, 5, "java.lang.IllegalStateException", "no funds"))).isEmpty();
    assertThat(check(failed(2, 5, "E", ""))).isEmpty(); // a message may be empty
    assertThat(check(failed(2, 5, atLimit, atLimit))).isEmpty();
    for (HostMessage.CommandFailed bad :
        List.of(
            failed(2, 5, "", "no funds"),
            failed(2, 5, pastLimit, ""),
            failed(2, 5, "E", pastLimit),
            failed(2, 5, null, ""),
            failed(2, 5, "E", null))) {
      assertThat(PeerMessageBounds.malformed(bad)).as("%s", bad).isPresent();
      assertThat(check(bad)).as("%s", bad).isPresent();
    }
    assertThat(check(failed(2, 5, "", "")))
        .hasValueSatisfying(why -> assertThat(why).contains("exceptionClass is empty"));
    assertThat(check(failed(2, 5, "E", pastLimit)))
        .hasValueSatisfying(why -> assertThat(why).contains("1001 characters"));
  }

  @Test
  void sendersMustBeMembersAndResultsComeFromLearners() {
    for (int stranger : new int[] {0, -1, Integer.MAX_VALUE}) {
      assertThat(check(new HostMessage.SnapshotRequest(stranger, 5, 0)))
          .hasValueSatisfying(why -> assertThat(why).contains("not a member"));
      assertThat(check(new HostMessage.SnapshotChunk(stranger, 5, 0, 1, 0, new byte[1])))
          .isPresent();
    }
    for (int stranger : new int[] {0, -1, 9, Integer.MAX_VALUE}) {
      assertThat(check(new HostMessage.CommandResult(stranger, 1, 1, 5, new byte[0]))).isPresent();
    }
    // Node 4 hosts no learner: it applies nothing, so it has no result to return.
    assertThat(check(new HostMessage.CommandResult(4, 1, 1, 5, new byte[0])))
        .hasValueSatisfying(why -> assertThat(why).contains("hosts no LEARNER"));
    assertThat(check(new HostMessage.CommandResult(5, 1, 1, 5, new byte[0]))).isEmpty();
    // Nor a failure: only a learner's host applies, and fails, a command.
    assertThat(check(failed(4, 5, "E", "")))
        .hasValueSatisfying(why -> assertThat(why).contains("hosts no LEARNER"));
    assertThat(check(failed(5, 5, "E", ""))).isEmpty();
    for (int stranger : new int[] {0, -1, 9, Integer.MAX_VALUE}) {
      assertThat(check(failed(stranger, 5, "E", "")))
          .hasValueSatisfying(why -> assertThat(why).contains("not a member"));
    }
    assertThat(check(new HostMessage.SnapshotRequest(4, 5, 0))).isEmpty();
  }

  @Test
  void snapshotsPassBetweenMembershipsButNotFromInvalidIds() {
    // Node 9 is outside this membership (joining, or of another epoch): it may fetch a snapshot
    // and send one, as it may catch up through the log (docs/membership.md).
    assertThat(check(new HostMessage.SnapshotRequest(9, 5, 0))).isEmpty();
    assertThat(check(new HostMessage.SnapshotChunk(9, 5, 0, 1, 0, new byte[1]))).isEmpty();
    assertThat(check(new HostMessage.SnapshotRequest(Member.MAX_ID, 5, 0))).isEmpty();
    for (int invalid : new int[] {0, -1, Member.MAX_ID + 1, Integer.MAX_VALUE}) {
      assertThat(check(new HostMessage.SnapshotRequest(invalid, 5, 0)))
          .as("%d", invalid)
          .isPresent();
    }
    // Still bounded like a member's.
    assertThat(check(new HostMessage.SnapshotChunk(9, 5, 0, (1 << 20) + 1, 0, new byte[1])))
        .isPresent();
  }

  @Test
  void malformedChecksOnlyWhatNeedsNoState() {
    // Beyond the limit and from a stranger: refused by the node, not malformed.
    HostMessage big = new HostMessage.SnapshotChunk(2, 5, 0, (1 << 20) + 1, 0, new byte[1]);
    HostMessage stranger = new HostMessage.CommandResult(9, 1, 1, 5, new byte[0]);
    assertThat(PeerMessageBounds.malformed(big)).isEmpty();
    assertThat(check(big)).isPresent();
    assertThat(PeerMessageBounds.malformed(stranger)).isEmpty();
    assertThat(check(stranger)).isPresent();
    // Beyond an absolute bound: both.
    HostMessage past = new HostMessage.SnapshotChunk(2, 5, 4, 2, 0, new byte[1]);
    assertThat(PeerMessageBounds.malformed(past)).isPresent();
    assertThat(check(past)).isPresent();
  }

  @Test
  void protocolMessagesAreCheckedByTheirNode() {
    Message fine = new Message.Prepare(2, new Ballot(1, 2), 1);
    Message tooHigh = new Message.Prepare(2, new Ballot(Ballot.MAX_ROUND + 1, 2), 1);
    Message fromStranger = new Message.Prepare(9, new Ballot(1, 9), 1);
    for (Message m : List.of(fine, tooHigh, fromStranger)) {
      assertThat(check(m)).isEqualTo(node.refusal(m));
      assertThat(PeerMessageBounds.malformed(m)).isEqualTo(MessageBounds.malformed(m));
    }
    assertThat(check(fine)).isEmpty();
    assertThat(check(tooHigh)).isPresent();
    assertThat(check(fromStranger)).isPresent();
  }

  @Test
  void aMessageOfNeitherKindIsRefused() {
    assertThat(check(new Stranger(2)))
        .hasValueSatisfying(why -> assertThat(why).contains("unknown kind"));
    assertThat(PeerMessageBounds.malformed(new Stranger(2))).isPresent();
  }

  @Test
  void theSizeBoundCountsTheResultOrTheChunk() {
    long overhead = MessageBytes.MESSAGE_OVERHEAD;
    assertThat(PeerMessageBounds.bytes(new HostMessage.CommandResult(2, 1, 1, 5, new byte[10])))
        .isEqualTo(overhead + 10);
    assertThat(PeerMessageBounds.bytes(new HostMessage.SnapshotChunk(2, 5, 0, 7, 0, new byte[7])))
        .isEqualTo(overhead + 7);
    assertThat(PeerMessageBounds.bytes(new HostMessage.SnapshotRequest(2, 5, 0)))
        .isEqualTo(overhead);
    // A failure's strings at 3 bytes a character, the most UTF-8 takes.
    assertThat(PeerMessageBounds.bytes(failed(2, 5, "abc", "de"))).isEqualTo(overhead + 15);
    assertThat(PeerMessageBounds.bytes(failed(2, 5, "E", ""))).isEqualTo(overhead + 3);
    Message commit = new Message.Commit(2, new Ballot(1, 2), 5);
    assertThat(PeerMessageBounds.bytes(commit)).isEqualTo(MessageBytes.of(commit));
  }
}
