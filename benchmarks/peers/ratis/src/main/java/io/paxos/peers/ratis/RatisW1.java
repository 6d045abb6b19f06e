package io.paxos.peers.ratis;

import io.paxos.peers.W1Run;
import java.util.List;

/** Workload W1 against Apache Ratis; see the README beside the pom. */
public final class RatisW1 {
  private RatisW1() {}

  public static void main(String[] args) {
    W1Run.main(
        args,
        "ratis",
        "grpc",
        "usage: run.sh [--clients C] [--payload P] [--warmup W] [--seconds D] [--no-sync]",
        List.of(),
        RatisCluster::start);
  }
}
