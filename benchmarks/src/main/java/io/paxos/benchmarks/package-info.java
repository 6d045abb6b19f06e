/**
 * JMH benchmarks of the library, built into one runnable jar, {@code
 * benchmarks/target/benchmarks.jar} ({@code java -jar benchmarks/target/benchmarks.jar -l} lists
 * them). They measure speed only; tests never assert a timing, but each benchmark has a test
 * showing that it does the work it claims to measure.
 */
package io.paxos.benchmarks;
