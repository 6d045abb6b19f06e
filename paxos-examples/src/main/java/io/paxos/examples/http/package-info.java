/**
 * The key-value server's HTTP API: {@link io.paxos.examples.http.KvHttpApi} serves health, status,
 * reads at a chosen consistency (strong, lease, session, eventual) and writes of the replicated
 * {@link io.paxos.examples.kv.KeyValueStore} over Javalin, with JSON bodies read and written by
 * Jackson. Other parts of the server add routes through {@link io.paxos.examples.http.HttpRoutes}.
 */
package io.paxos.examples.http;
