package io.paxos.core.sim;

/**
 * What a successful simulation did.
 *
 * @param seed the seed of the run
 * @param label the configuration's name
 * @param steps events handled (invariants were checked after each)
 * @param endTimeMs simulated time at the end
 * @param healedAtMs simulated time at which the faults healed
 * @param slots slots delivered by the learners
 * @param requests client requests, all completed
 * @param replacements commands sent again under a new sequence number (after a hand-back or a
 *     client timeout)
 * @param sessionRetries session commands sent again under their own sequence number
 * @param messages messages sent
 * @param dropped messages lost (random drops and partitions)
 * @param duplicated messages delivered twice
 * @param crashes node crashes
 * @param midSyncCrashes crashes in the middle of a group commit (after its writes, before its sync
 *     returned)
 * @param survivingWrites unsynced writes that crashes left durable (see {@link StorageCrash})
 * @param lostWrites unsynced writes that crashes lost
 * @param partitions partition episodes
 * @param leaderships distinct ballots that sent an {@code Accept} (leaders that reached phase 2)
 * @param snapshots snapshots taken by learners (each followed by a compaction)
 * @param installs snapshots installed by learners from a peer
 * @param compactedWithoutLearner the highest slot an acceptor on a node without a learner compacted
 *     through (on the learners' announced snapshots); 0 if none did
 * @param wipes nodes that lost their whole storage and restarted on an empty one
 * @param pauses pause episodes (a node handled nothing for a while, then its backlog)
 * @param kv what the key-value clients did
 * @param readsChecked reads answered with a read index, each checked to cover every value chosen
 *     before the read was made ({@link ReadIndexChecker})
 * @param membershipChanges changes of membership that took effect (docs/membership.md)
 */
public record SimResult(
    long seed,
    String label,
    long steps,
    long endTimeMs,
    long healedAtMs,
    long slots,
    int requests,
    int replacements,
    int sessionRetries,
    long messages,
    long dropped,
    long duplicated,
    int crashes,
    int midSyncCrashes,
    long survivingWrites,
    long lostWrites,
    int partitions,
    int leaderships,
    int snapshots,
    int installs,
    long compactedWithoutLearner,
    int wipes,
    int pauses,
    long readsChecked,
    KvCounts kv,
    int membershipChanges) {}
