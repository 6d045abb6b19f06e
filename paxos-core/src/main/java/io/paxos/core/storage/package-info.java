/**
 * The storage SPI ({@link io.paxos.core.storage.Storage}): what a node must make durable, and when,
 * and {@link io.paxos.core.storage.InMemoryStorage}, which models synced and unsynced writes so
 * that tests and the simulator can crash a node and lose only what was not synced.
 */
package io.paxos.core.storage;
