package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
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

  /**
   * {@return this membership's binary form, as snapshots carry it: the first slot (8 bytes,
   * big-endian), then the epoch and configuration in {@link MembershipCodec}'s form} Epoch 0, the
   * cluster file's, has none: a snapshot taken in epoch 0 carries no membership.
   *
   * @throws IllegalStateException if this is epoch 0
   * @throws IllegalArgumentException if the configuration cannot be encoded (its cluster id is too
   *     long)
   */
  public byte[] toBytes() {
    if (epoch == 0) {
      throw new IllegalStateException("epoch 0 is the cluster file's: it has no binary form");
    }
    byte[] body = MembershipCodec.encode(new Value.Reconfigure(epoch, config));
    byte[] bytes = new byte[8 + body.length];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (firstSlot >>> (56 - 8 * i));
    }
    System.arraycopy(body, 0, bytes, 8, body.length);
    return bytes;
  }

  /**
   * {@return the membership {@code bytes} hold, in the form of {@link #toBytes()}}
   *
   * @param bytes the bytes, from a snapshot or a peer: checked in full
   * @throws IllegalArgumentException if they are not the bytes of a valid membership of epoch 1 or
   *     later
   */
  public static Membership fromBytes(byte[] bytes) {
    if (bytes.length < 9) {
      throw new IllegalArgumentException("a membership of " + bytes.length + " bytes is cut short");
    }
    long first = 0;
    for (int i = 0; i < 8; i++) {
      first = (first << 8) | (bytes[i] & 0xFF);
    }
    Value.Reconfigure r =
        MembershipCodec.decode(java.util.Arrays.copyOfRange(bytes, 8, bytes.length));
    return new Membership(r.epoch(), r.next(), first);
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

  /**
   * {@return why {@code next} may not follow this membership, in one line; empty if it may}
   *
   * <p>It must name the same cluster and differ from this one; a node in both keeps its roles (to
   * change a node's roles, remove it and add it under a new id); and, in this version, every node
   * hosting a proposer or an acceptor also hosts a learner, in both, since such a node learns of a
   * change through the log its learner delivers (docs/membership.md, stages).
   */
  public Optional<String> changeRefusal(ClusterConfig next) {
    if (!next.clusterId().equals(config.clusterId())) {
      return Optional.of(
          "the cluster id must stay " + config.clusterId() + ", not become " + next.clusterId());
    }
    if (next.members().equals(config.members())
        && next.phase1Quorum() == config.phase1Quorum()
        && next.phase2Quorum() == config.phase2Quorum()) {
      return Optional.of("the membership is already " + next.members());
    }
    if (epoch >= Ballot.MAX_EPOCH) {
      return Optional.of("no membership epoch is left after " + epoch);
    }
    for (Member m : next.members()) {
      Optional<Member> before = config.member(m.id());
      if (before.isPresent() && !before.get().roles().equals(m.roles())) {
        return Optional.of(
            "node "
                + m.id()
                + " would change its roles from "
                + before.get().roles()
                + " to "
                + m.roles()
                + ": remove it, and add it under a new id");
      }
    }
    for (ClusterConfig c : new ClusterConfig[] {config, next}) {
      for (Member m : c.members()) {
        if ((m.has(Role.PROPOSER) || m.has(Role.ACCEPTOR)) && !m.has(Role.LEARNER)) {
          return Optional.of(
              "node "
                  + m.id()
                  + " hosts a proposer or an acceptor but no learner: this version changes only"
                  + " memberships whose proposers and acceptors all host a learner");
        }
      }
    }
    return Optional.empty();
  }
}
