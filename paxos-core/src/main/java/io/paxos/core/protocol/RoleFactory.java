package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

/**
 * Builds the roles a {@link ProtocolNode} hosts. Override one method to plug in your own
 * implementation of one role; the defaults build the library's.
 */
public interface RoleFactory {

  /** The library's roles. */
  RoleFactory DEFAULT = new RoleFactory() {};

  default Acceptor acceptor(
      int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
    return new DefaultAcceptor(id, config, options, state);
  }

  default Proposer proposer(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state) {
    return new DefaultProposer(id, config, options, random, state);
  }

  default Learner learner(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      long firstSlot,
      IntSupplier leaderHint) {
    return new DefaultLearner(id, config, options, firstSlot, leaderHint);
  }
}
