/**
 * The key-value store's line protocol: {@code PUT key value}, {@code GET key}, {@code DEL key}, one
 * request a UDP datagram or a TCP line, one reply line to the sender ({@link
 * io.paxos.examples.line.LineRequest}, {@link io.paxos.examples.line.LineService}), served by a
 * node next to its gRPC and HTTP ports ({@link io.paxos.examples.line.LineServers}).
 */
package io.paxos.examples.line;
