/**
 * The runtime: {@link io.paxos.core.runtime.PaxosNode} hosts a node's roles on one event-loop
 * thread, persists with group commit before votes leave (on a storage thread of its own for a file
 * log, so that the event loop goes on during a force), applies chosen commands on an apply thread,
 * and completes callers' futures.
 */
package io.paxos.core.runtime;
