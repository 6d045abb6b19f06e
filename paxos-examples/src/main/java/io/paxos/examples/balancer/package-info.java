/**
 * {@code paxos-examples balancer}: a round-robin load balancer in front of the key-value nodes'
 * line protocol, over UDP or TCP ({@link io.paxos.examples.balancer.BalancerCommand}).
 */
package io.paxos.examples.balancer;
