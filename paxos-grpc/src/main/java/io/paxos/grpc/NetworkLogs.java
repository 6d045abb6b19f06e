package io.paxos.grpc;

import io.paxos.core.observe.RateLimitedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC's own reports of expected network failures (a reset connection, a frame over the size limit,
 * junk on the port, a call that fails in the transport) go through {@code java.util.logging} with a
 * stack trace each: a stranger can make a node write megabytes of them. {@link #install()} puts a
 * filter on those loggers that turns each record of level INFO or above into one rate-limited line
 * ({@link RateLimitedLog}) in this library's log: the logger, the message, and the innermost cause
 * with its first stack frame. Records below INFO pass unchanged (they are not printed by default).
 *
 * <p>Process-wide: installed once, by the first {@link PaxosServer}; idempotent and thread-safe.
 */
final class NetworkLogs {
  /** The gRPC loggers that report network events on a server. */
  static final List<String> LOGGERS =
      List.of(
          "io.grpc.internal.AbstractStream",
          "io.grpc.internal.SerializeReentrantCallsDirectExecutor",
          "io.grpc.internal.SerializingExecutor",
          "io.grpc.internal.ServerCallImpl",
          "io.grpc.internal.ServerImpl",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServer",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport",
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler",
          "io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiators",
          "io.grpc.netty.shaded.io.grpc.netty.WriteBufferingAndExceptionHandler",
          "io.grpc.netty.shaded.io.netty.channel.DefaultChannelPipeline",
          "io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler");

  private static final RateLimitedLog LOG =
      RateLimitedLog.warnings(LoggerFactory.getLogger(NetworkLogs.class));

  /** Strong references: java.util.logging forgets loggers nobody holds. */
  private static final List<Logger> FILTERED = new ArrayList<>();

  private NetworkLogs() {}

  static synchronized void install() {
    if (!FILTERED.isEmpty()) {
      return;
    }
    for (String name : LOGGERS) {
      Logger logger = Logger.getLogger(name);
      logger.setFilter(NetworkLogs::filter);
      FILTERED.add(logger);
    }
  }

  /** Lines written in place of gRPC's records so far. */
  static long lines() {
    return LOG.lines();
  }

  private static boolean filter(LogRecord record) {
    if (record.getLevel().intValue() < Level.INFO.intValue()) {
      return true;
    }
    String name = record.getLoggerName() == null ? "grpc" : record.getLoggerName();
    String kind = name.substring(name.lastIndexOf('.') + 1) + ": " + record.getMessage();
    LOG.event(kind, describe(record.getThrown()));
    return false;
  }

  /** The innermost cause and where it was thrown, on one line. */
  static String describe(Throwable thrown) {
    if (thrown == null) {
      return "";
    }
    Throwable t = thrown;
    for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 16; depth++) {
      t = t.getCause();
    }
    StackTraceElement[] frames = t.getStackTrace();
    String where = frames.length == 0 ? "" : " at " + frames[0];
    return (t == thrown ? "" : thrown + " caused by ") + t + where;
  }
}
