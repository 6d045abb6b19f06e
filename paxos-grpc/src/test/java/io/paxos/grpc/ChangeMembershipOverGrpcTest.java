package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Value;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.ChangeMembershipReply;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import io.paxos.grpc.proto.ErrorCode;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code PaxosClient.changeMembership} and the {@code ChangeMembership} call: a change through the
 * client takes effect at every member and shows in their status, a retry of it is answered with the
 * membership it made, and every refusal reaches the caller with its reason; hostile request bytes
 * are answered as invalid and change nothing.
 */
class ChangeMembershipOverGrpcTest {
  private static final ClusterConfig THREE = ClusterConfig.of("members", 1, 2, 3);

  @Test
  void shrinksThreeToTwoThroughTheClientAndEveryNodeReportsTheNewEpoch() throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(THREE);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(5)
                .build()) {
      int leader = cluster.awaitLeader().id();
      for (long i = 0; i < 10; i++) {
        client.submit(LogStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      ClusterStatus before = client.status().get(30, TimeUnit.SECONDS);
      assertThat(before.epoch()).isZero();
      assertThat(before.membership().orElseThrow().config()).isEqualTo(THREE);
      assertThat(before.membership().orElseThrow().firstSlot()).isEqualTo(1);

      int removed = leader == 3 ? 2 : 3; // a follower
      int kept = 6 - leader - removed;
      ClusterConfig two = ClusterConfig.of("members", sorted(leader, kept));
      ClusterEpoch changed = client.changeMembership(two, 0).get(30, TimeUnit.SECONDS);
      assertThat(changed.epoch()).isEqualTo(1);
      assertThat(changed.config()).isEqualTo(two);
      assertThat(changed.firstSlot()).isGreaterThan(10);

      // A retry after a lost answer gets the membership its first attempt made.
      assertThat(client.changeMembership(two, 0).get(30, TimeUnit.SECONDS)).isEqualTo(changed);
      assertThat(client.changeMembership(two).get(30, TimeUnit.SECONDS)).isEqualTo(changed);

      for (long i = 10; i < 20; i++) {
        client.submit(LogStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      for (int id : new int[] {leader, kept, removed}) {
        try (PaxosClient one =
            PaxosClient.builder()
                .endpoints(List.of(endpoint(cluster, id)))
                .timeout(Duration.ofSeconds(30))
                .build()) {
          ClusterStatus s =
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> one.status().get(30, TimeUnit.SECONDS), st -> st.epoch() == 1);
          assertThat(s.membership()).as("node %d", id).contains(changed);
          assertThat(s.members())
              .extracting(ClusterStatus.MemberInfo::nodeId)
              .containsExactlyInAnyOrder(leader, kept);
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.machines.get(kept).applied().size() == 20);
      assertThat(cluster.machines.get(kept).applied())
          .isEqualTo(cluster.machines.get(leader).applied());

      // Computed from epoch 0, which is over: refused, nothing proposed.
      assertThatThrownBy(() -> client.changeMembership(THREE, 0).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(MembershipChangeException.class)
          .hasMessageContaining("epoch 1, not 0");
      assertThat(cluster.awaitLeader().membership()).isEqualTo(changed);
    }
  }

  @Test
  void refusalsReachTheCallerWithTheirReasonAndHostileBytesAreInvalid() throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(THREE);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(7)
                .build()) {
      PaxosNode leader = cluster.awaitLeader();
      client.submit(LogStateMachine.command(1)).get(30, TimeUnit.SECONDS);

      // An acceptor that never ran has not caught up: the leader refuses to propose it.
      assertThatThrownBy(
              () ->
                  client
                      .changeMembership(ClusterConfig.of("members", 1, 2, 3, 9))
                      .get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(MembershipChangeException.class)
          .hasMessageContaining("9");
      // Another cluster's configuration.
      assertThatThrownBy(
              () ->
                  client
                      .changeMembership(ClusterConfig.of("other", 1, 2))
                      .get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(MembershipChangeException.class);
      assertThatThrownBy(() -> client.changeMembership(THREE, -1))
          .isInstanceOf(IllegalArgumentException.class);

      int follower = leader.id() == 1 ? 2 : 1;
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", cluster.server(follower).port(), InsecureChannelCredentials.create())
              .build();
      try {
        var stub =
            PaxosClientServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        // A follower proposes nothing and names the leader.
        ChangeMembershipReply notLeader =
            stub.changeMembership(
                request(
                    MembershipCodec.encode(
                        new Value.Reconfigure(1, ClusterConfig.of("members", 1, 2)))));
        assertThat(notLeader.getError().getCode()).isEqualTo(ErrorCode.ERROR_NOT_LEADER);
        assertThat(notLeader.getError().getLeaderHint()).isEqualTo(leader.id());

        byte[] valid =
            MembershipCodec.encode(new Value.Reconfigure(1, ClusterConfig.of("members", 1, 2)));
        List<byte[]> hostile =
            List.of(
                new byte[0],
                new byte[] {1},
                new byte[] {9, 1, 0},
                Arrays.copyOf(valid, valid.length - 1),
                Arrays.copyOf(valid, valid.length + 1),
                new byte[MembershipCalls.MAX_MEMBERSHIP_BYTES + 1],
                // a member count of 2^28, with nothing after it
                new byte[] {1, 1, 0, 2, 2, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});
        for (byte[] bytes : hostile) {
          ChangeMembershipReply r =
              PaxosClientServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .changeMembership(request(bytes));
          assertThat(r.getError().getCode())
              .as("%d bytes", bytes.length)
              .isEqualTo(ErrorCode.ERROR_INVALID);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (PaxosNode n : cluster.nodes()) {
        assertThat(n.membership().epoch()).as("node %d", n.id()).isZero();
      }
      client.submit(LogStateMachine.command(2)).get(30, TimeUnit.SECONDS);
    }
  }

  private static ChangeMembershipRequest request(byte[] membership) {
    return ChangeMembershipRequest.newBuilder()
        .setMembership(ByteString.copyFrom(membership))
        .build();
  }

  private static int[] sorted(int a, int b) {
    return new int[] {Math.min(a, b), Math.max(a, b)};
  }

  private static Endpoint endpoint(GrpcCluster cluster, int id) {
    return Endpoint.parse("127.0.0.1:" + cluster.server(id).port());
  }
}
