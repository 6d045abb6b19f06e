/**
 * A node's metrics in Prometheus text: {@link io.paxos.examples.metrics.MicrometerObserver} binds
 * the node's observer events and gauges to Micrometer meters named {@code paxos_*}, and {@link
 * io.paxos.examples.metrics.MetricsRoutes} serves them at {@code GET /metrics} of a Javalin app.
 */
package io.paxos.examples.metrics;
