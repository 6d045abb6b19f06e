/**
 * The runtime: {@link io.paxos.core.runtime.PaxosNode} hosts a node's roles on one event-loop
 * thread, persists with group commit before replies leave, applies chosen commands on an apply
 * thread, and completes callers' futures.
 */
package io.paxos.core.runtime;
