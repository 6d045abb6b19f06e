package io.paxos.examples.http;

import io.javalin.Javalin;

/**
 * Extra routes for a {@link KvHttpApi} (subscriptions, metrics...), registered on its Javalin app
 * before it starts. Errors thrown by their handlers as {@link ApiException} are answered as JSON
 * like the API's own.
 */
@FunctionalInterface
public interface HttpRoutes {
  /** Add routes to {@code app}; called once, from {@link KvHttpApi#start}, before it listens. */
  void register(Javalin app);
}
