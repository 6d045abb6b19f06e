package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A restarted node still serves catch-up for the chosen values it recovered from storage: if every
 * peer had restarted, a lagging learner would otherwise find no one to fetch them from.
 */
class CatchUpFromRecoveredLogTest {

  @Test
  void aRestartedNodeServesTheChosenValuesItRecovered() {
    Value v1 = new Value.Batch(List.of(new Command(1, 9, 1, new byte[] {1})));
    DurableState recovered = new DurableState(Ballot.ZERO, List.of(), 0, List.of(v1, Value.NOOP));
    ProtocolNode node =
        new ProtocolNode(
            1,
            ClusterConfig.of("t", 1, 2, 3),
            ProtocolOptions.defaults(),
            new SplittableRandom(1),
            recovered,
            RoleFactory.DEFAULT);
    Outbox out = new Outbox();
    node.receive(new Message.CatchUpRequest(2, 1, 10), 0, out);
    assertThat(out.sendCount()).isEqualTo(1);
    assertThat(out.sendTo(0)).isEqualTo(2);
    assertThat(out.sendMessage(0))
        .isEqualTo(new Message.CatchUpReply(1, 1, List.of(v1, Value.NOOP)));
  }
}
