package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
  private static final ClusterConfig CONFIG = ClusterConfig.of("kv", 1, 2, 3);
  private static final Map<Integer, Endpoint> ADDRESSES =
      Map.of(
          1, new Endpoint("127.0.0.1", 9001),
          2, new Endpoint("127.0.0.1", 9002),
          3, new Endpoint("::1", 9003));

  @Test
  void defaultsAndTheOwnAddress() {
    NodeSettings s = NodeSettings.of(CONFIG, 2, ADDRESSES, Path.of("/tmp/n2"));

    assertThat(s.clusterId()).isEqualTo("kv");
    assertThat(s.self()).isEqualTo(new Endpoint("127.0.0.1", 9002));
    assertThat(s.listenHost()).isEqualTo("0.0.0.0");
    assertThat(s.tls()).isEmpty();
    assertThat(s.protocol()).isEqualTo(ProtocolOptions.defaults());
    assertThat(s.snapshots()).isEqualTo(SnapshotOptions.defaults());
    assertThat(s.commandTimeout()).isEqualTo(NodeSettings.DEFAULT_COMMAND_TIMEOUT);
    assertThat(s.withListenHost("127.0.0.1").listenHost()).isEqualTo("127.0.0.1");
    assertThat(s.withProtocol(ProtocolOptions.defaults().withWindow(7)).protocol().window())
        .isEqualTo(7);
  }

  @Test
  void refusesAnIdThatIsNotAMember() {
    assertThatThrownBy(() -> NodeSettings.of(CONFIG, 4, ADDRESSES, Path.of("d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node id 4 is not among the members [1, 2, 3]");
  }

  @Test
  void refusesTwoNodesAtOneAddress() {
    Map<Integer, Endpoint> shared =
        Map.of(
            1, new Endpoint("127.0.0.1", 9001),
            2, new Endpoint("127.0.0.1", 9001),
            3, new Endpoint("127.0.0.1", 9003));
    assertThatThrownBy(() -> NodeSettings.of(CONFIG, 1, shared, Path.of("d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodes 1 and 2 have the same address 127.0.0.1:9001: give each node its own");
  }

  @Test
  void refusesAMemberWithoutAnAddressAndAnAddressWithoutAMember() {
    Map<Integer, Endpoint> missing = Map.of(1, new Endpoint("h", 1), 2, new Endpoint("h", 2));
    assertThatThrownBy(() -> NodeSettings.of(CONFIG, 1, missing, Path.of("d")))
        .hasMessage("node 3 has no address: give it host:port");
    Map<Integer, Endpoint> extra =
        Map.of(
            1, new Endpoint("h", 1),
            2, new Endpoint("h", 2),
            3, new Endpoint("h", 3),
            9, new Endpoint("h", 9));
    assertThatThrownBy(() -> NodeSettings.of(CONFIG, 1, extra, Path.of("d")))
        .hasMessage("an address is given for node 9, which is not a member");
  }

  @Test
  void refusesACommandTimeoutThatIsNotPositive() {
    NodeSettings s = NodeSettings.of(CONFIG, 1, ADDRESSES, Path.of("d"));
    assertThatThrownBy(() -> s.withCommandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.withCommandTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void joiningNodeNeedNotBeAMemberButNeedsItsOwnAddress() {
    NodeSettings member = NodeSettings.of(CONFIG, 1, ADDRESSES, Path.of("d"));
    assertThat(member.joining()).isFalse();
    assertThat(member.withJoining(true).joining()).isTrue();
    Map<Integer, Endpoint> withNew = new java.util.HashMap<>(ADDRESSES);
    withNew.put(4, new Endpoint("127.0.0.1", 9004));
    NodeSettings joining =
        new NodeSettings(
            CONFIG,
            4,
            withNew,
            "0.0.0.0",
            Path.of("d"),
            java.util.Optional.empty(),
            ProtocolOptions.defaults(),
            SnapshotOptions.defaults(),
            NodeSettings.DEFAULT_COMMAND_TIMEOUT,
            false,
            java.util.Optional.empty(),
            ConnectionLimits.defaults(),
            true);
    assertThat(joining.self()).isEqualTo(new Endpoint("127.0.0.1", 9004));
    assertThat(joining.withCommandTimeout(Duration.ofSeconds(1)).joining()).isTrue();
    assertThat(joining.toString()).endsWith(" joining");
    assertThatThrownBy(() -> joining.withJoining(false))
        .hasMessage("node id 4 is not among the members [1, 2, 3]");
    assertThatThrownBy(
            () ->
                new NodeSettings(
                    CONFIG,
                    4,
                    ADDRESSES,
                    "0.0.0.0",
                    Path.of("d"),
                    java.util.Optional.empty(),
                    ProtocolOptions.defaults(),
                    SnapshotOptions.defaults(),
                    NodeSettings.DEFAULT_COMMAND_TIMEOUT,
                    false,
                    java.util.Optional.empty(),
                    ConnectionLimits.defaults(),
                    true))
        .hasMessageContaining("node 4 has no address");
  }

  @Test
  void aMemberWhoseConfigurationGivesItsAddressMayBeLeftOut() {
    ClusterConfig addressed =
        ClusterConfig.withMajorities(
            "kv",
            java.util.List.of(
                io.paxos.core.config.Member.allRoles(1),
                io.paxos.core.config.Member.allRoles(2),
                io.paxos.core.config.Member.allRoles(3).withAddress("h3:9003")));
    Map<Integer, Endpoint> two = Map.of(1, new Endpoint("h", 1), 2, new Endpoint("h", 2));
    assertThat(NodeSettings.of(addressed, 1, two, Path.of("d")).addresses()).hasSize(2);
    assertThatThrownBy(() -> NodeSettings.of(addressed, 3, two, Path.of("d")))
        .as("its own address is still needed: it listens on its port")
        .hasMessageContaining("node 3 has no address");
  }
}
