/**
 * Failure scenarios against a local multi-process cluster: continuous writes while its parts are
 * killed and paused on purpose, and a check that no acknowledged write was lost.
 */
package io.paxos.examples.scenarios;
