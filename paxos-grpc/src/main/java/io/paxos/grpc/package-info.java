/**
 * The gRPC edge of the library: peer transport, wire schema and remote client (coming). For now it
 * holds {@link io.paxos.grpc.Endpoint}, the parsed network address of a node that the transport and
 * the client connect to.
 */
package io.paxos.grpc;
