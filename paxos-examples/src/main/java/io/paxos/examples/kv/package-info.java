/**
 * A replicated key-value store, the library's example application: {@link
 * io.paxos.examples.kv.KeyValueStore} is the {@link io.paxos.core.StateMachine}, {@link
 * io.paxos.examples.kv.KvCommand} the commands and queries clients send to it and {@link
 * io.paxos.examples.kv.KvResult} what comes back, each with its compact binary encoding.
 */
package io.paxos.examples.kv;
