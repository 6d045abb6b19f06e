package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.transport.InMemoryNetwork;
import java.lang.reflect.Modifier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The builder's hook for other implementations of the roles (docs/api-surface.md): package-private,
 * since {@link RoleFactory} is internal, and a node runs the roles it makes.
 */
class PluggedRolesTest {
  @Test
  void theHookIsNotPublic() throws Exception {
    int modifiers =
        PaxosNodeBuilder.class.getDeclaredMethod("roles", RoleFactory.class).getModifiers();
    assertThat(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)).isFalse();
    assertThatThrownBy(() -> PaxosNodeBuilder.class.getMethod("roles", RoleFactory.class))
        .isInstanceOf(NoSuchMethodException.class);
  }

  @Test
  void aNodeRunsTheRolesItsBuilderWasGiven() throws Exception {
    AtomicInteger acceptors = new AtomicInteger();
    RoleFactory counting =
        new RoleFactory() {
          @Override
          public Acceptor acceptor(
              int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
            acceptors.incrementAndGet();
            return RoleFactory.DEFAULT.acceptor(id, config, options, state);
          }
        };
    try (PaxosNode node =
        PaxosNode.builder()
            .config(ClusterConfig.of("roles", 1))
            .nodeId(1)
            .stateMachine(new RecordingStateMachine())
            .transport(new InMemoryNetwork().transport(1))
            .roles(counting)
            .build()) {
      assertThat(node.submit(RecordingStateMachine.command(1)).get(30, TimeUnit.SECONDS))
          .isNotNull();
      assertThat(acceptors).hasValue(1);
    }
  }
}
