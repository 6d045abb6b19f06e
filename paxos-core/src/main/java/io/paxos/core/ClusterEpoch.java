package io.paxos.core;

import io.paxos.core.config.ClusterConfig;
import java.util.Objects;

/**
 * A membership of the cluster as a node reports it ({@link
 * io.paxos.core.runtime.PaxosNode#membership()}, {@link
 * io.paxos.core.runtime.PaxosNode#changeMembership}): the configuration that governs the log from
 * {@code firstSlot} on, and its epoch, the number of membership changes that took effect before it
 * (see {@code docs/membership.md}). Epoch 0 is the cluster file's configuration, from slot 1; a
 * change chosen in slot {@code i} starts the next epoch at slot {@code i + 1}. Every node that has
 * applied the log up to {@code firstSlot} agrees on it.
 *
 * @param epoch the epoch, at least 0
 * @param config the members and quorum sizes of the epoch
 * @param firstSlot the first slot the epoch governs, at least 1
 */
public record ClusterEpoch(int epoch, ClusterConfig config, long firstSlot) {
  /**
   * Checks the components.
   *
   * @param epoch the epoch, at least 0
   * @param config the members and quorum sizes of the epoch; not null
   * @param firstSlot the first slot the epoch governs, at least 1
   * @throws IllegalArgumentException if {@code epoch} is negative or {@code firstSlot} below 1
   */
  public ClusterEpoch {
    Objects.requireNonNull(config, "config");
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " is negative");
    }
    if (firstSlot < 1) {
      throw new IllegalArgumentException("an epoch starts at slot 1 or later, not " + firstSlot);
    }
  }

  @Override
  public String toString() {
    return "epoch " + epoch + " from slot " + firstSlot + ": " + config;
  }
}
