/**
 * Atomic broadcast on the library ({@code paxos-examples broadcast}): proposers, acceptors and
 * learners as separate processes; each proposer broadcasts integers, each learner writes them in
 * the order it learns them, and {@code broadcast-check} verifies that every learner learned the
 * same sequence, holding every proposed value exactly once ({@link
 * io.paxos.examples.broadcast.BroadcastCheck}). {@code --loss} drops a fraction of the messages
 * between the processes ({@link io.paxos.examples.broadcast.LossyTransport}).
 */
package io.paxos.examples.broadcast;
