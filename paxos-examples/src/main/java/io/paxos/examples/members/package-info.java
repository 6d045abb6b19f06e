/**
 * Membership changes as the key-value server's operator asks for them ({@code kv members}, {@code
 * POST /members}): {@link io.paxos.examples.members.MembershipEdit} computes the new configuration
 * from the current one (add, remove, replace) and shows a membership as text; docs/membership.md
 * has the design.
 */
package io.paxos.examples.members;
