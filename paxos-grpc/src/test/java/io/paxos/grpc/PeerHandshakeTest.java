package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.protocol.Ballot;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.Welcome;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The handshake's rules across membership epochs (docs/membership.md, "Transport"), on the rules
 * object itself: a Hello of this node's epoch is checked as before (a member, the same
 * fingerprint); one of another epoch, or joining, skips those two checks and nothing else.
 */
class PeerHandshakeTest {
  private static final ClusterConfig EPOCH0 = ClusterConfig.of("kv", 1, 2, 3);
  private static final ClusterConfig EPOCH1 = ClusterConfig.of("kv", 1, 2, 3, 4);
  private static final ClusterSecret SECRET =
      ClusterSecret.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
  private static final byte[] CHALLENGE = new byte[ClusterSecret.NONCE_BYTES];
  private static final byte[] CLIENT_NONCE = new byte[ClusterSecret.NONCE_BYTES];

  /** Node 1 in epoch 0, as built from the cluster file. */
  private static PeerHandshake receiver(Optional<ClusterSecret> secret) {
    return new PeerHandshake(EPOCH0, 1, secret, false);
  }

  /** Node {@code id}'s Hello to node 1, from a node in {@code epoch} with {@code config}. */
  private static Hello hello(
      int id, ClusterConfig config, int epoch, boolean joining, Optional<ClusterSecret> secret) {
    PeerHandshake sender = new PeerHandshake(config, id, secret, false, joining);
    if (epoch > 0) {
      sender.update(config, epoch);
    }
    return sender.hello(1, CHALLENGE, CLIENT_NONCE);
  }

  private static PeerHandshake.Refusal check(PeerHandshake h, Hello hello) {
    return h.check(hello, CHALLENGE, PeerCertificates.Claim.NONE);
  }

  @Test
  @DisplayName(
      "same epoch: a member with the same fingerprint is accepted; a non-member is refused"
          + " (PERMISSION_DENIED), another fingerprint too (FAILED_PRECONDITION)")
  void sameEpochChecksMembershipAndFingerprint() {
    PeerHandshake node1 = receiver(Optional.empty());
    assertThat(check(node1, hello(2, EPOCH0, 0, false, Optional.empty()))).isNull();

    PeerHandshake.Refusal stranger = check(node1, hello(4, EPOCH1, 0, false, Optional.empty()));
    assertThat(stranger.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(stranger.why()).contains("node 4 is not a member of cluster kv in epoch 0");

    PeerHandshake.Refusal mismatch = check(node1, hello(2, EPOCH1, 0, false, Optional.empty()));
    assertThat(mismatch.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(mismatch.why()).contains("runs another configuration").contains("same epoch 0");
  }

  @Test
  @DisplayName(
      "another epoch, older or newer, or joining: a non-member with another fingerprint is"
          + " accepted")
  void otherEpochOrJoiningIsAccepted() {
    PeerHandshake node1 = receiver(Optional.empty());
    assertThat(check(node1, hello(4, EPOCH1, 1, false, Optional.empty())))
        .as("a newer epoch, not a member here")
        .isNull();
    assertThat(check(node1, hello(4, EPOCH0, 0, true, Optional.empty())))
        .as("joining, in the same epoch number")
        .isNull();
    assertThat(check(node1, hello(2, EPOCH1, Ballot.MAX_EPOCH, false, Optional.empty())))
        .as("the largest epoch")
        .isNull();

    PeerHandshake moved = receiver(Optional.empty());
    moved.update(EPOCH1, 1);
    assertThat(check(moved, hello(5, ClusterConfig.of("kv", 1, 5), 0, false, Optional.empty())))
        .as("an older epoch, with a membership this node never had")
        .isNull();
    assertThat(check(moved, hello(4, EPOCH1, 1, false, Optional.empty())))
        .as("the new member, in the new epoch")
        .isNull();
    assertThat(check(moved, hello(5, EPOCH1, 1, false, Optional.empty())).code())
        .as("a non-member claiming the new epoch")
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  @DisplayName(
      "another epoch still needs this cluster, this target, a valid sender other than this node,"
          + " and an epoch no larger than the largest")
  void otherEpochKeepsTheOtherChecks() {
    PeerHandshake node1 = receiver(Optional.empty());
    Hello base = hello(4, EPOCH1, 1, false, Optional.empty());
    assertThat(check(node1, base.toBuilder().setClusterId("other").build()).why())
        .contains("cluster 'other'");
    assertThat(check(node1, base.toBuilder().setTargetNodeId(2).build()).why())
        .contains("meant for node 2");
    assertThat(check(node1, base.toBuilder().setNodeId(1).build()).why())
        .contains("this node's own id");
    for (int bad : new int[] {0, Member.MAX_ID + 1, -1}) {
      assertThat(check(node1, base.toBuilder().setNodeId(bad).build()).why())
          .as("sender %d", bad)
          .contains("is not a valid node id");
    }
    for (int bad : new int[] {Ballot.MAX_EPOCH + 1, -1, Integer.MIN_VALUE}) {
      PeerHandshake.Refusal r = check(node1, base.toBuilder().setEpoch(bad).build());
      assertThat(r.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(r.why()).contains("above the largest").contains(Integer.toUnsignedString(bad));
    }
  }

  @Test
  @DisplayName(
      "with a cluster secret, another epoch needs the proof all the same; the Welcome's proof is"
          + " over the Hello's fingerprint, so the caller of another epoch verifies it")
  void otherEpochNeedsTheSecret() {
    PeerHandshake node1 = receiver(Optional.of(SECRET));
    Hello unproven = hello(4, EPOCH1, 1, false, Optional.empty());
    assertThat(check(node1, unproven).why()).contains("proves no cluster secret");
    Hello wrong =
        hello(
            4,
            EPOCH1,
            1,
            false,
            Optional.of(
                ClusterSecret.of("incorrect horse battery".getBytes(StandardCharsets.UTF_8))));
    assertThat(check(node1, wrong).why()).contains("wrong proof");

    PeerHandshake node4 = new PeerHandshake(EPOCH1, 4, Optional.of(SECRET), false);
    node4.update(EPOCH1, 1);
    Hello proven = node4.hello(1, CHALLENGE, CLIENT_NONCE);
    assertThat(check(node1, proven)).isNull();
    Welcome welcome = node1.welcome(proven, CHALLENGE);
    assertThat(node4.checkWelcome(welcome, proven, CHALLENGE)).isNull();
    // A receiver that proved over its own fingerprint would not be trusted.
    Welcome overOwn =
        welcome.toBuilder()
            .setProof(
                com.google.protobuf.ByteString.copyFrom(
                    SECRET.welcomeProof("kv", EPOCH0.fingerprint(), 4, 1, CHALLENGE, CLIENT_NONCE)))
            .build();
    assertThat(node4.checkWelcome(overOwn, proven, CHALLENGE)).contains("wrong proof");
  }

  @Test
  @DisplayName("under mutual TLS, another epoch still needs a certificate naming the sender")
  void otherEpochNeedsTheCertificate() {
    PeerHandshake node1 = new PeerHandshake(EPOCH0, 1, Optional.empty(), true);
    Hello hello = hello(4, EPOCH1, 1, false, Optional.empty());
    assertThat(node1.check(hello, CHALLENGE, PeerCertificates.Claim.NONE).why())
        .contains("paxos://kv/node/4");
    PeerCertificates.Claim other = new PeerCertificates.Claim(true, Optional.of("kv"), 2);
    assertThat(node1.check(hello, CHALLENGE, other).why()).contains("paxos://kv/node/4");
    PeerCertificates.Claim own = new PeerCertificates.Claim(true, Optional.of("kv"), 4);
    assertThat(node1.check(hello, CHALLENGE, own)).isNull();
  }

  @Test
  @DisplayName(
      "a Hello without the epoch and joining fields (an older node's) is epoch 0, not joining, and"
          + " checked as before")
  void olderNodesHelloIsEpochZero() throws Exception {
    PeerHandshake node1 = receiver(Optional.empty());
    Hello full = hello(2, EPOCH0, 0, false, Optional.empty());
    Hello old =
        Hello.newBuilder()
            .setSchemaVersion(full.getSchemaVersion())
            .setClusterId("kv")
            .setNodeId(2)
            .setTargetNodeId(1)
            .setConfigFingerprint(EPOCH0.fingerprint())
            .setClientNonce(full.getClientNonce())
            .build();
    Hello parsed = Hello.parseFrom(old.toByteArray());
    assertThat(parsed.getEpoch()).isZero();
    assertThat(parsed.getJoining()).isFalse();
    assertThat(parsed).isEqualTo(full);
    assertThat(check(node1, parsed)).isNull();
    assertThat(check(node1, parsed.toBuilder().setNodeId(4).build()).code())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            check(node1, parsed.toBuilder().setConfigFingerprint(EPOCH1.fingerprint()).build())
                .code())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  @DisplayName(
      "a node joining in epoch 0 must have the cluster's original file; once it learned a later"
          + " epoch, the fingerprint of that epoch's configuration is its own")
  void aJoiningNodeNeedsTheOriginalClusterFile() {
    PeerHandshake node1 = receiver(Optional.empty());
    assertThat(check(node1, hello(4, EPOCH0, 0, true, Optional.empty()))).isNull();
    ClusterConfig editedFile = ClusterConfig.of("kv", 1, 2, 3, 5); // not the cluster's file
    PeerHandshake.Refusal edited = check(node1, hello(4, editedFile, 0, true, Optional.empty()));
    assertThat(edited).isNotNull();
    assertThat(edited.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(edited.why()).contains("original file");
    assertThat(check(node1, hello(4, editedFile, 1, true, Optional.empty())))
        .as("joining, in a later epoch it learned from the log")
        .isNull();
    PeerHandshake moved = receiver(Optional.empty());
    moved.update(EPOCH1, 1);
    assertThat(check(moved, hello(5, EPOCH0, 0, true, Optional.empty())))
        .as("a member in a later epoch still knows the original file")
        .isNull();
  }

  @Test
  @DisplayName(
      "update: Hellos name the new epoch and fingerprint; an older epoch is ignored; another"
          + " cluster is refused; a joining node stops saying so once it is a member")
  void updateFollowsTheEpoch() {
    PeerHandshake node4 = new PeerHandshake(EPOCH0, 4, Optional.empty(), false, true);
    Hello joining = node4.hello(1, CHALLENGE, CLIENT_NONCE);
    assertThat(joining.getJoining()).isTrue();
    assertThat(joining.getEpoch()).isZero();

    assertThat(node4.update(EPOCH1, 1)).isTrue();
    Hello member = node4.hello(1, CHALLENGE, CLIENT_NONCE);
    assertThat(member.getJoining()).isFalse();
    assertThat(member.getEpoch()).isEqualTo(1);
    assertThat(member.getConfigFingerprint()).isEqualTo(EPOCH1.fingerprint());

    assertThat(node4.update(EPOCH0, 0)).isFalse();
    assertThat(node4.epoch()).isEqualTo(1);
    assertThat(node4.config()).isEqualTo(EPOCH1);
    assertThat(node4.update(EPOCH1, 1)).as("the same epoch again").isTrue();
    assertThatThrownBy(() -> node4.update(ClusterConfig.of("other", 1, 4), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster other");

    PeerHandshake notJoining = new PeerHandshake(EPOCH0, 4, Optional.empty(), false);
    assertThat(notJoining.hello(1, CHALLENGE, CLIENT_NONCE).getJoining()).isFalse();
  }
}
