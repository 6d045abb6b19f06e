package io.paxos.core.runtime;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of what a node knows about itself, for monitoring and demos.
 *
 * @param nodeId this node
 * @param leader whether this node leads
 * @param leaderHint the node believed to lead, if known
 * @param appliedSlot every slot up to and including this one has been applied here
 * @param failure why the node stopped, if it stopped on a failure
 */
public record NodeStatus(
    int nodeId,
    boolean leader,
    OptionalInt leaderHint,
    long appliedSlot,
    Optional<String> failure) {}
