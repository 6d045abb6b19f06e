/**
 * The transport SPI ({@link io.paxos.core.transport.Transport}) and the in-memory network used by
 * tests, demos and benchmarks. The SPI carries internal protocol types and is coupled to the
 * library's version (see {@link io.paxos.core.transport.Transport}).
 */
package io.paxos.core.transport;
