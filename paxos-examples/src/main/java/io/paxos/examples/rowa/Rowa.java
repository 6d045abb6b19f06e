package io.paxos.examples.rowa;

import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.http.HttpRoutes;
import io.paxos.grpc.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * The learner's part of the read-one/write-all example, as the key-value server starts it when a
 * learner is given {@code rowa-stores}: a {@link RowaDriver} and its HTTP routes.
 */
public final class Rowa implements AutoCloseable {
  private final RowaDriver driver;
  private final RowaRoutes routes;

  private Rowa(RowaDriver driver, RowaRoutes routes) {
    this.driver = driver;
    this.routes = routes;
  }

  /**
   * Start committing what {@code node} applies to {@code stores}.
   *
   * @param env the environment, for the test hook {@code ROWA_CRASH_AT} ({@link CrashPoints})
   */
  public static Rowa start(PaxosNode node, int id, List<Endpoint> stores, Map<String, String> env) {
    RowaDriver driver = new RowaDriver(node, id, stores, CrashPoints.fromEnv(env)).start();
    return new Rowa(driver, new RowaRoutes(node, driver));
  }

  /** {@code GET /rowa/status} and {@code GET /rowa/outcome}. */
  public HttpRoutes routes() {
    return routes::register;
  }

  @Override
  public void close() {
    driver.close();
  }
}
