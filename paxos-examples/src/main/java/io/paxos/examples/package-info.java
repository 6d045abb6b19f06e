/** Example services built on the library, and the command-line entry point that runs them. */
package io.paxos.examples;
