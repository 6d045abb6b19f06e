/**
 * A linearizability checker for key-value histories, and the JSON-lines history format that tests
 * and clients record.
 *
 * <p>{@link io.paxos.core.linearizability.HistoryWriter} records what clients invoked and what they
 * saw, {@link io.paxos.core.linearizability.HistoryReader} reads a recorded file back, and {@link
 * io.paxos.core.linearizability.LinearizabilityChecker} decides whether some order of the
 * operations, consistent with their real-time order, explains every result. A search that runs out
 * of its time budget is {@link io.paxos.core.linearizability.Verdict.Outcome#UNKNOWN}, which tests
 * treat as a failure. {@link io.paxos.core.linearizability.CheckHistory} checks a file from the
 * command line. The package is test code, published to other modules in paxos-core's test-jar; it
 * uses the JDK only. docs/linearizability.md describes the format and the algorithm.
 */
package io.paxos.core.linearizability;
