/**
 * The transport SPI ({@link io.paxos.core.transport.Transport}) and the in-memory network used by
 * tests, demos and benchmarks.
 */
package io.paxos.core.transport;
