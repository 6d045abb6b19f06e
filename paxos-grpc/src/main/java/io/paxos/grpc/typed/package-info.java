/**
 * Typed commands over gRPC: {@link io.paxos.grpc.typed.ProtobufCodec}, protobuf messages as a
 * {@link io.paxos.core.typed.Codec} for a typed state machine and its callers. The typed view of
 * the remote client is {@link io.paxos.grpc.client.TypedPaxosClient}.
 */
package io.paxos.grpc.typed;
