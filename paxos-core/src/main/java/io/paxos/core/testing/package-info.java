/**
 * Public API for testing an application's own {@link io.paxos.core.StateMachine} (or {@link
 * io.paxos.core.typed.TypedStateMachine}) under the simulator's seeded faults: {@link
 * io.paxos.core.testing.StateMachineSimulation}. Plain Java with no test-framework dependency: a
 * failing seed throws an {@link AssertionError}, which JUnit, TestNG or a {@code main} method
 * report alike.
 */
package io.paxos.core.testing;
