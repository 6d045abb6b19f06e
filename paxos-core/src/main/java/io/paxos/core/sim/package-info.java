/**
 * A deterministic simulator of a whole cluster: many {@link io.paxos.core.protocol.ProtocolNode}s
 * on a simulated clock and network, with seeded faults (delay, drop, duplication, reordering,
 * partitions, crashes that lose unsynced writes, restarts), a client workload, and safety checkers
 * that run after every simulated step. One seed fixes the whole run, so any failure replays
 * exactly.
 *
 * <p>Entry point: {@link io.paxos.core.sim.Simulation#run(SimOptions)}. Start from {@link
 * io.paxos.core.sim.SimOptions#randomized(long, Topology)} and adjust with its builder.
 *
 * <p><b>Threading.</b> Everything here is single-threaded and uses no clock and no unseeded
 * randomness: a simulation runs entirely in the calling thread. Separate simulations share nothing
 * and may run on separate threads.
 */
package io.paxos.core.sim;
