/**
 * The web console a key-value node serves at {@code /}: the cluster's members and leader, live
 * charts of this node's commits, writes and reads at any member with a chosen consistency, a key
 * browser and a watch feed, all in plain HTML, CSS and JavaScript shipped in the jar.
 */
package io.paxos.examples.console;
