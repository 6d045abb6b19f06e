/**
 * The remote client: {@link io.paxos.grpc.client.PaxosClient} connects to the nodes of a cluster
 * over gRPC, finds the leader, retries commands safely (each keeps its client id and sequence
 * number, so the cluster applies it once) and spreads reads over the nodes. Everything it owns runs
 * on one client thread; see its Javadoc for the threading rules of the futures it returns.
 */
package io.paxos.grpc.client;
