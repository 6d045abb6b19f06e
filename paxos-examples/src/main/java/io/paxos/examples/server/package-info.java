/**
 * The key-value server: {@code paxos-examples server} runs one node of the replicated {@link
 * io.paxos.examples.kv.KeyValueStore} as a process, configured by a cluster file ({@link
 * io.paxos.examples.server.ClusterFile}), {@code PAXOS_*} environment variables and flags ({@link
 * io.paxos.examples.server.ConfigResolver}, one {@link io.paxos.examples.server.Setting} each). A
 * configuration it refuses stops it with one line ({@link
 * io.paxos.examples.server.ConfigException}) before it touches its data directory.
 */
package io.paxos.examples.server;
