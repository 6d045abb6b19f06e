/**
 * The protobuf messages and gRPC stubs generated at build time from {@code src/main/proto/
 * paxos.proto} (schema version 1). Only paxos-grpc uses them; the core never sees protobuf, and
 * {@code io.paxos.grpc.MessageCodec} is the one place that maps between the two.
 *
 * <p><b>Internal: not part of the API; may change in any release.</b> Public only because protoc
 * generates public classes, which the gRPC services and the codec in {@code io.paxos.grpc} use. The
 * wire schema itself is versioned (see {@code paxos.proto}); these classes are not published in the
 * javadoc.
 */
package io.paxos.grpc.proto;
