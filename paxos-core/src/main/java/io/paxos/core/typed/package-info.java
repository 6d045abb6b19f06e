/**
 * Typed commands, an optional layer over the byte API: a {@link
 * io.paxos.core.typed.TypedStateMachine} in the application's own types, the {@link
 * io.paxos.core.typed.Codec}s that carry them as bytes (UTF-8 strings and {@code long}s here;
 * protobuf messages in paxos-grpc), {@link io.paxos.core.typed.CommandCodecs} pairing a command
 * codec with a result codec, and {@link io.paxos.core.typed.TypedPaxosNode}, the typed view of a
 * node. Nothing here changes what is replicated: the log, snapshots and the wire carry the codecs'
 * bytes, so typed and byte clients of one cluster interoperate.
 */
package io.paxos.core.typed;
