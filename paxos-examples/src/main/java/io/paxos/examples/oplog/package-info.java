/**
 * Operation logs: each key-value node can append the operations it applies, one line per slot, to a
 * text file ({@link io.paxos.examples.oplog.OpLog}); {@code oplog-compare} checks that such files
 * agree on every slot they share ({@link io.paxos.examples.oplog.OpLogCompare}).
 */
package io.paxos.examples.oplog;
