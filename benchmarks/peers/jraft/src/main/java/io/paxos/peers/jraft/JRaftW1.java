package io.paxos.peers.jraft;

import io.paxos.peers.W1Run;
import java.util.List;

/** Workload W1 against SOFAJRaft; see the README beside the pom. */
public final class JRaftW1 {
  private JRaftW1() {}

  public static void main(String[] args) {
    W1Run.main(
        args,
        "jraft",
        "bolt",
        "usage: run.sh [--clients C] [--payload P] [--warmup W] [--seconds D] [--no-sync]",
        List.of(),
        JRaftCluster::start);
  }
}
