package io.paxos.examples.metrics;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * Serves a registry's meters in the Prometheus text format at {@code GET /metrics}:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = MetricsRoutes.newRegistry();
 * PaxosNode.builder()...observer(new MicrometerObserver(registry, id)).build();
 * new MetricsRoutes(registry).register(app); // app: the node's Javalin server
 * }</pre>
 *
 * <p>Thread-safe: a scrape reads the meters while the node records into them.
 */
public final class MetricsRoutes {
  /** The content type of the Prometheus text exposition format served. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public MetricsRoutes(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * A registry for one node's process, with the JVM's memory, GC, thread, CPU and uptime meters
   * bound (the node's own come from a {@link MicrometerObserver}).
   */
  @SuppressWarnings("resource") // the GC metrics live as long as the process
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** Add {@code GET /metrics} to {@code app}. */
  public void register(Javalin app) {
    app.get("/metrics", this::serve);
  }

  private void serve(Context ctx) {
    ctx.contentType(CONTENT_TYPE).result(registry.scrape());
  }
}
