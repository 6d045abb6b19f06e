package io.paxos.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.PeerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport contract for {@link InMemoryNetwork}, plus its own partition and restart rules. */
class InMemoryNetworkTransportTest extends TransportContractTest {
  private final InMemoryNetwork network = new InMemoryNetwork();

  @Override
  protected List<Transport> connect(int nodes) {
    List<Transport> transports = new ArrayList<>();
    for (int id = 1; id <= nodes; id++) {
      transports.add(network.transport(id));
    }
    return transports;
  }

  @Test
  @DisplayName("an isolated node neither sends nor receives until it is reconnected")
  void isolateAndReconnect() {
    ConcurrentLinkedQueue<PeerMessage> at1 = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<PeerMessage> at2 = new ConcurrentLinkedQueue<>();
    Transport t1 = network.transport(1);
    Transport t2 = network.transport(2);
    t1.start(at1::add);
    t2.start(at2::add);

    network.isolate(2);
    t1.send(2, probe(1, 2, 1));
    t2.send(1, probe(2, 1, 2));
    assertThat(at1).isEmpty();
    assertThat(at2).isEmpty();
    assertThat(network.dropped()).isEqualTo(2);

    network.reconnect(2);
    t1.send(2, probe(1, 2, 3));
    t2.send(1, probe(2, 1, 4));
    assertThat(at2).containsExactly(probe(1, 2, 3));
    assertThat(at1).containsExactly(probe(2, 1, 4));
    t1.close();
    t2.close();
  }

  @Test
  @DisplayName("a node id can be started only once at a time, and again after it closed")
  void startOncePerId() {
    Transport first = network.transport(1);
    first.start(m -> {});

    assertThatThrownBy(() -> network.transport(1).start(m -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node 1 is already started");

    first.close();
    Transport again = network.transport(1);
    again.start(m -> {});
    again.close();
  }

  @Test
  @DisplayName(
      "closing an old transport again does not disconnect the node restarted with the same id")
  void closeAgainAfterRestart() {
    ConcurrentLinkedQueue<PeerMessage> restartedInbox = new ConcurrentLinkedQueue<>();
    Transport sender = network.transport(1);
    sender.start(m -> {});
    Transport old = network.transport(2);
    old.start(m -> {});
    old.close();
    Transport restarted = network.transport(2);
    restarted.start(restartedInbox::add);

    old.close();
    sender.send(2, probe(1, 2, 1));

    assertThat(restartedInbox).containsExactly(probe(1, 2, 1));
    sender.close();
    restarted.close();
  }
}
