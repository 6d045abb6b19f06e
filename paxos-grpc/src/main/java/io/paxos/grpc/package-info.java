/**
 * The gRPC edge of the library: the wire codec ({@link io.paxos.grpc.MessageCodec}) between the
 * core's messages and the protobuf schema in {@code paxos.proto}, the peer transport, the node
 * server that hosts it, and {@link io.paxos.grpc.Endpoint}, the network address of a node.
 */
package io.paxos.grpc;
