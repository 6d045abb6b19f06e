/**
 * The storage SPI ({@link io.paxos.core.storage.Storage}): what a node must make durable, and when;
 * {@link io.paxos.core.storage.InMemoryStorage}, which models synced and unsynced writes so that
 * tests and the simulator can crash a node and lose only what was not synced; and {@link
 * io.paxos.core.storage.FileStorage}, the durable implementation: a segmented, checksummed
 * append-only log in a locked data directory, written with one force per group commit and read back
 * with torn-tail truncation and loud refusal of corruption. The SPI carries internal protocol types
 * and is coupled to the library's version (see {@link io.paxos.core.storage.Storage}).
 */
package io.paxos.core.storage;
