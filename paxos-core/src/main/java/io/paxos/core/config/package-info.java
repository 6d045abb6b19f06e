/**
 * Immutable, validated configuration: the cluster's members and roles ({@link
 * io.paxos.core.config.ClusterConfig}) and protocol tuning ({@link
 * io.paxos.core.config.ProtocolOptions}). Depends on nothing else in the library.
 */
package io.paxos.core.config;
