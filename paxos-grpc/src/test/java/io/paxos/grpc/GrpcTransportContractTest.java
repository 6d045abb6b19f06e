package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.transport.Transport;
import io.paxos.core.transport.TransportContractTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;

/** The core's shared transport contract, held against {@link GrpcTransport} on loopback. */
class GrpcTransportContractTest extends TransportContractTest {
  private final List<PaxosServer> servers = new ArrayList<>();

  @Override
  protected List<Transport> connect(int nodes) {
    ClusterConfig config = ClusterConfig.of("contract", IntStream.rangeClosed(1, nodes).toArray());
    Map<Integer, Endpoint> addresses = new LinkedHashMap<>();
    for (int id = 1; id <= nodes; id++) {
      PaxosServer server =
          PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0).start();
      servers.add(server);
      addresses.put(id, new Endpoint("127.0.0.1", server.port()));
    }
    List<Transport> transports = new ArrayList<>();
    for (PaxosServer server : servers) {
      transports.add(
          GrpcTransport.builder().server(server).peers(addresses).seed(server.nodeId()).build());
    }
    return transports;
  }

  @AfterEach
  void stopServers() {
    servers.forEach(PaxosServer::close);
  }
}
