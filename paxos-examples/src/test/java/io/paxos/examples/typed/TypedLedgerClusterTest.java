package io.paxos.examples.typed;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.TypedPaxosNode;
import io.paxos.examples.typed.Ledger.Balance;
import io.paxos.examples.typed.Ledger.Deposit;
import io.paxos.examples.typed.Ledger.Reply;
import io.paxos.examples.typed.Ledger.Request;
import io.paxos.examples.typed.Ledger.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ledger of records, as JSON, on three in-process nodes through their typed views. */
class TypedLedgerClusterTest {
  private static final CommandCodecs<Request, Reply> CODECS =
      CommandCodecs.of(Ledger.REQUESTS, Ledger.REPLIES);
  private final List<TypedPaxosNode<Request, Reply>> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(n -> n.node().close());
  }

  @Test
  void aTransferBeyondTheBalanceIsRefusedOnEveryReplicaAlike() throws Exception {
    InMemoryNetwork network = new InMemoryNetwork();
    ClusterConfig config = ClusterConfig.of("ledger", 1, 2, 3);
    for (int id : config.ids()) {
      nodes.add(
          CODECS.node(
              PaxosNode.builder()
                  .config(config)
                  .nodeId(id)
                  .stateMachine(CODECS.stateMachine(new Ledger()))
                  .transport(network.transport(id))
                  .commandTimeout(Duration.ofSeconds(30))
                  .build()));
    }
    // Every node knows the leader first, so no submit below is refused unproposed by an election.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                nodes.stream().map(n -> n.node().leaderId()).distinct().count() == 1
                    && nodes.get(0).node().leaderId().isPresent());
    assertThat(nodes.get(0).submit(new Deposit("alice", 100)).get(30, TimeUnit.SECONDS))
        .isEqualTo(new Reply(true, 100));
    assertThat(nodes.get(1).submit(new Transfer("alice", "bob", 60)).get(30, TimeUnit.SECONDS))
        .isEqualTo(new Reply(true, 40));
    assertThat(nodes.get(2).submit(new Transfer("alice", "bob", 41)).get(30, TimeUnit.SECONDS))
        .isEqualTo(new Reply(false, 40));
    assertThat(
            nodes
                .get(2)
                .read(new Balance("bob"), Consistency.LINEARIZABLE)
                .get(30, TimeUnit.SECONDS))
        .isEqualTo(new Reply(true, 60));
    for (TypedPaxosNode<Request, Reply> node : nodes) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          node.read(new Balance("alice"), Consistency.STALE)
                              .get(30, TimeUnit.SECONDS))
                      .isEqualTo(new Reply(true, 40)));
    }
  }
}
