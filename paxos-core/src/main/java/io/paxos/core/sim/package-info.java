/**
 * A deterministic simulator of a whole cluster: many {@link io.paxos.core.protocol.ProtocolNode}s
 * on a simulated clock and network, with seeded faults (delay, drop, duplication, reordering,
 * partitions, crashes between steps, in the middle of a group commit or halfway through sending,
 * which keep what was synced and none or a prefix of the writes since ({@link
 * io.paxos.core.sim.StorageCrash}), restarts), a client workload, and safety checkers that run
 * after every simulated step, and check once the faults heal that every request completed and no
 * acknowledged command was lost. One seed fixes the whole run, so any failure replays exactly.
 *
 * <p>Entry point: {@link io.paxos.core.sim.Simulation#run(SimOptions)}. Start from {@link
 * io.paxos.core.sim.SimOptions#randomized(long, Topology)} and adjust with its builder.
 *
 * <p>To test an application's own state machine under these faults, use {@link
 * io.paxos.core.testing.StateMachineSimulation}, which runs this simulator with the application's
 * state machine, command and query generators and invariants ({@link
 * io.paxos.core.sim.SimOptions.Builder#stateMachine}, {@code commandGenerator}, {@code
 * queryGenerator}, {@code replicaCheck}), checked by {@link io.paxos.core.sim.ReplicaChecker}.
 *
 * <p><b>Threading.</b> Everything here is single-threaded and uses no clock and no unseeded
 * randomness: a simulation runs entirely in the calling thread. Separate simulations share nothing
 * and may run on separate threads.
 */
package io.paxos.core.sim;
