/**
 * Typed commands in the examples: {@link io.paxos.examples.typed.JsonCodec}, Java records as JSON
 * through Jackson, for a {@link io.paxos.core.typed.TypedStateMachine} and its callers.
 */
package io.paxos.examples.typed;
