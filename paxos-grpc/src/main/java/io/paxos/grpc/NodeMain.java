package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.storage.StorageException;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one node as a process until it is stopped: {@code java -cp ... io.paxos.grpc.NodeMain
 * --cluster NAME --id N --members 1=h1:9001,2=h2:9002,3=h3:9003 --state-machine CLASS}; see {@link
 * NodeSettings#USAGE}. Prints {@code READY node N listening on PORT} once it serves, and closes the
 * node on SIGTERM or Ctrl-C. The first start of a new cluster's members takes {@code
 * --bootstrap-new}, which creates the data directory; see {@link NodeServer}.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    NodeSettings settings;
    StateMachine stateMachine;
    try {
      settings = NodeSettings.parse(args);
      stateMachine = newStateMachine(settings.stateMachineClass());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    NodeServer node;
    try {
      node = NodeServer.start(settings, stateMachine);
    } catch (IllegalArgumentException | IllegalStateException | StorageException e) {
      System.err.println(e.getMessage()); // a wrongly started node: one line that says what to fix
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "paxos-shutdown"));
    System.out.println("READY node " + settings.nodeId() + " listening on " + node.server().port());
    System.out.flush();
    stopped.await();
  }

  private static StateMachine newStateMachine(String className) {
    try {
      Object sm = Class.forName(className).getConstructor().newInstance();
      if (!(sm instanceof StateMachine)) {
        throw new IllegalArgumentException(className + " does not implement StateMachine");
      }
      return (StateMachine) sm;
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "cannot create the state machine "
              + className
              + " (a public class with a public no-argument constructor): "
              + e,
          e);
    }
  }
}
