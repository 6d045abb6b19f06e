package io.paxos.peers.aeron;

import io.paxos.peers.W1Run;
import java.util.List;

/** Workload W1 against Aeron Cluster; see the README beside the pom. */
public final class AeronW1 {
  private AeronW1() {}

  public static void main(String[] args) {
    W1Run.main(
        args,
        "aeron",
        "udp",
        "usage: run.sh [--clients C] [--payload P] [--warmup W] [--seconds D] [--no-sync]"
            + " [--sync-level 1|2] [--max-park-us N]",
        List.of("--sync-level", "--max-park-us"),
        AeronMembers::start);
  }
}
