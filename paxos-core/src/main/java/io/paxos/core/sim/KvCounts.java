package io.paxos.core.sim;

/**
 * What the key-value clients of one simulation did (all zero when it ran none).
 *
 * @param operations operations completed (ok, fail or unknown)
 * @param writes puts, deletes and compare-and-sets among them
 * @param linearizableReads LINEARIZABLE reads
 * @param leaseReads LEASE reads (linearizable too, under the clock-drift bound)
 * @param sequentialReads SEQUENTIAL reads, each with the client's session slot
 * @param staleReads STALE reads
 * @param failed compare-and-sets whose comparison did not hold
 * @param unknown operations whose client gave up waiting (recorded {@code info})
 * @param checkedEvents events of the history given to the linearizability check (writes and
 *     linearizable reads, invocations and completions)
 */
public record KvCounts(
    int operations,
    int writes,
    int linearizableReads,
    int leaseReads,
    int sequentialReads,
    int staleReads,
    int failed,
    int unknown,
    int checkedEvents) {}
