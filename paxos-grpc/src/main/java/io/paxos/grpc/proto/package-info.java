/**
 * The protobuf messages and gRPC stubs generated at build time from {@code src/main/proto/
 * paxos.proto} (schema version 1). Only paxos-grpc uses them; the core never sees protobuf, and
 * {@code io.paxos.grpc.MessageCodec} is the one place that maps between the two.
 */
package io.paxos.grpc.proto;
