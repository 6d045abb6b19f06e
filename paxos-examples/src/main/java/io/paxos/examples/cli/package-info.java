/**
 * {@code paxos-examples kv}: the command-line client of the replicated key-value store. {@link
 * io.paxos.examples.cli.KvCli} is the {@code kv} command; each subcommand ({@code put}, {@code
 * get}, {@code delete}, {@code cas}, {@code scan}, {@code status}) is one class that builds a
 * {@link io.paxos.grpc.client.PaxosClient} from the shared options, makes one request and prints
 * its outcome as text or {@code --json}. {@link io.paxos.examples.cli.Exits} lists the exit codes.
 */
package io.paxos.examples.cli;
