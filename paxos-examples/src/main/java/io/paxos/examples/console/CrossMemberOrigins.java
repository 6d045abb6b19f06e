package io.paxos.examples.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS for the console: a page served by one member may call the API of any member, and a page from
 * anywhere else may not. An origin is allowed when it is {@code http://HOST:PORT} for a member's
 * HTTP address, where a loopback host ({@code 127.0.0.1}, {@code localhost}, {@code [::1]}) matches
 * any loopback name, since a user may open the console by either.
 *
 * <p>Allowed origins get {@code Access-Control-Allow-Origin} with their own origin (never {@code
 * *}), may send {@code Content-Type} and {@code Paxos-Session}, and may read {@code Paxos-Session};
 * preflight requests from other origins are refused with 403.
 */
final class CrossMemberOrigins {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  private record Origin(String host, int port) {}

  private final List<Origin> members;

  CrossMemberOrigins(Collection<String> httpAddresses) {
    this.members =
        httpAddresses.stream().map(a -> parse("http://" + a)).flatMap(Optional::stream).toList();
  }

  void register(Javalin app) {
    app.before(
        ctx -> {
          String origin = ctx.header("Origin");
          if (origin != null && allows(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Expose-Headers", "Paxos-Session");
            ctx.header("Vary", "Origin");
          }
        });
    app.options("/<path>", this::preflight);
  }

  private void preflight(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !allows(origin)) {
      ctx.status(403).json(java.util.Map.of("error", "cross-origin requests only from members"));
      return;
    }
    ctx.header("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE");
    ctx.header("Access-Control-Allow-Headers", "Content-Type, Paxos-Session");
    ctx.header("Access-Control-Max-Age", "600");
    ctx.status(204);
  }

  /** Whether a page from {@code origin} may call this API. */
  boolean allows(String origin) {
    Optional<Origin> o = parse(origin);
    if (o.isEmpty()) {
      return false;
    }
    for (Origin m : members) {
      if (m.port() == o.get().port()
          && (m.host().equals(o.get().host())
              || (LOOPBACK.contains(m.host()) && LOOPBACK.contains(o.get().host())))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Origin> parse(String origin) {
    try {
      URI uri = URI.create(origin);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
        return Optional.empty();
      }
      if (uri.getPath() != null && !uri.getPath().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Origin(uri.getHost().toLowerCase(Locale.ROOT), uri.getPort()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
