/**
 * What a running node reports about itself: {@link io.paxos.core.observe.NodeObserver}, the events
 * a node's runtime calls as they happen, and {@link io.paxos.core.observe.NodeGauges}, the current
 * values an observer reads when it wants them. {@link io.paxos.core.observe.LoggingObserver} turns
 * the events an operator needs into one INFO line each; every node has it. Bind the rest to a
 * metrics library in an observer of your own and set it on {@link
 * io.paxos.core.runtime.PaxosNodeBuilder#observer}.
 */
package io.paxos.core.observe;
