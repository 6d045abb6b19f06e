package io.paxos.examples.balancer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nodes behind the balancer, taken in turn: each request starts at the node after the one the
 * previous request started at, and goes on to the next while a node does not answer. Thread-safe.
 */
final class NodeRotation {
  private final List<InetSocketAddress> nodes;
  private final AtomicLong next = new AtomicLong();

  NodeRotation(List<InetSocketAddress> nodes) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no nodes to balance over");
    }
    this.nodes = List.copyOf(nodes);
  }

  /** Every node once, in the order this request tries them. */
  List<InetSocketAddress> order() {
    int first = (int) Math.floorMod(next.getAndIncrement(), (long) nodes.size());
    List<InetSocketAddress> order = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      order.add(nodes.get((first + i) % nodes.size()));
    }
    return order;
  }

  int size() {
    return nodes.size();
  }

  List<InetSocketAddress> nodes() {
    return nodes;
  }
}
