/**
 * A read-one/write-all store behind the learners ({@code paxos-examples store}, {@code server
 * --rowa-stores}, {@code rowa-read}, {@code rowa-status}): the learners of a role-split cluster
 * commit each chosen write to every store with two-phase commit, the slot being the transaction id
 * ({@link io.paxos.examples.rowa.Rowa}); a client reads from any one store. See
 * docs/seed-examples.md.
 */
package io.paxos.examples.rowa;
