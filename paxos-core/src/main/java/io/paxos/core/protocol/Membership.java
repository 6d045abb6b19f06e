package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * The membership that governs a node's slots from {@code firstSlot} on: an epoch and its fixed
 * configuration (docs/membership.md). Epoch 0 is the cluster file's and starts at slot 1; epoch
 * {@code e + 1} starts the slot after the one that chose an effective {@link Value.Reconfigure}.
 *
 * @param epoch the epoch, from 0 to {@link Ballot#MAX_EPOCH}
 * @param config the members and quorums of the epoch
 * @param firstSlot the first slot the epoch governs, from 1
 */
public record Membership(int epoch, ClusterConfig config, long firstSlot) {
  /**
   * @throws IllegalArgumentException if the epoch or the first slot is out of range
   */
  public Membership {
    Objects.requireNonNull(config, "config");
    if (epoch < 0 || epoch > Ballot.MAX_EPOCH) {
      throw new IllegalArgumentException("membership epoch " + epoch + " is out of range");
    }
    if (firstSlot < 1) {
      throw new IllegalArgumentException("an epoch starts at slot 1 or later, not " + firstSlot);
    }
  }

  /** {@return the membership a cluster starts with: epoch 0, {@code config}, from slot 1} */
  public static Membership initial(ClusterConfig config) {
    return new Membership(0, config, 1);
  }

  /**
   * {@return the membership that {@code value}, chosen in {@code slot} of this epoch, starts; empty
   * unless it is an effective change of this one}
   *
   * <p>A change is effective if it names the next epoch and the same cluster, and was chosen in a
   * slot this epoch governs. Every node applies this same rule to the same chosen value, so all
   * agree whether a {@code Reconfigure} took effect; one that did not is delivered as a no-op.
   */
  public Optional<Membership> after(long slot, Value value) {
    if (value instanceof Value.Reconfigure r
        && r.epoch() == epoch + 1
        && r.next().clusterId().equals(config.clusterId())
        && slot >= firstSlot) {
      return Optional.of(new Membership(r.epoch(), r.next(), slot + 1));
    }
    return Optional.empty();
  }
}
