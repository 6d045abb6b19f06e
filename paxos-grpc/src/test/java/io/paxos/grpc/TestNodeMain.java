package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.config.ClusterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A node process for this module's multi-process tests: {@code TestNodeMain CLUSTER ID DATA_DIR
 * STATE_MACHINE_CLASS new|existing 1=host:port 2=host:port ...}, every member with all roles,
 * listening on 127.0.0.1, bootstrapping a new cluster ({@code new}) or not. Prints {@code READY
 * node N listening on PORT} once it serves and closes the node on SIGTERM. Users run nodes with the
 * example server ({@code paxos-examples.jar server}); this is test scaffolding only, with no
 * argument checking.
 */
public final class TestNodeMain {
  private TestNodeMain() {}

  public static void main(String[] args) throws Exception {
    int id = Integer.parseInt(args[1]);
    Map<Integer, Endpoint> addresses = new LinkedHashMap<>();
    for (int i = 5; i < args.length; i++) {
      String[] idAndAddress = args[i].split("=", 2);
      addresses.put(Integer.parseInt(idAndAddress[0]), Endpoint.parse(idAndAddress[1]));
    }
    ClusterConfig config =
        ClusterConfig.of(args[0], addresses.keySet().stream().mapToInt(i -> i).toArray());
    NodeSettings settings =
        NodeSettings.of(config, id, addresses, Path.of(args[2]))
            .withListenHost("127.0.0.1")
            .withBootstrapNew(args[4].equals("new"));
    Class<?> type = Class.forName(args[3]);
    NodeServer node = NodeServer.start(settings, () -> newInstance(type));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "paxos-shutdown"));
    System.out.println("READY node " + id + " listening on " + node.server().port());
    System.out.flush();
    stopped.await();
  }

  private static StateMachine newInstance(Class<?> type) {
    try {
      return (StateMachine) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
