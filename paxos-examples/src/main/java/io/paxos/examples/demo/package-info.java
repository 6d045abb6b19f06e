/**
 * The demo: a 3-node replicated key-value store in one JVM over the in-memory transport, with the
 * leader crashed in the middle of the workload.
 */
package io.paxos.examples.demo;
