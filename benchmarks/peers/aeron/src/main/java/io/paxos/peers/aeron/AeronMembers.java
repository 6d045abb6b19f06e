package io.paxos.peers.aeron;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.paxos.peers.ClosedLoop;
import io.paxos.peers.FreePorts;
import io.paxos.peers.W1Cluster;
import io.paxos.peers.W1Options;
import io.paxos.peers.W1Run;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;

/**
 * Three Aeron Cluster members in this JVM over UDP on 127.0.0.1 (each a {@link
 * ClusteredMediaDriver}: media driver, archive and consensus module, plus a {@link
 * ClusteredServiceContainer} running {@link KvService}), and one {@link AeronCluster} client on a
 * fourth media driver, driven by an {@link IngressLoop}.
 *
 * <p>Durability: the archive records the cluster log; at file sync level 1 it forces each block it
 * writes ({@code FileChannel.force(false)}) before it moves the recording position, which is the
 * member's append position that the commit quorum counts. {@code --no-sync} is Aeron's default,
 * level 0 (page cache only). Media drivers' directories (IPC memory, not storage) go under {@code
 * /dev/shm}, Aeron's Linux default; the archive and cluster directories under the scratch
 * directory, on the same file system as the other peers' logs.
 */
final class AeronMembers implements W1Cluster {
  private static final String HOST = "127.0.0.1";
  private static final int MEMBERS = 3;

  private final List<ClusteredMediaDriver> drivers = new ArrayList<>();
  private final List<ClusteredServiceContainer> containers = new ArrayList<>();
  private final Supplier<IdleStrategy> idle;
  private final int syncLevel;
  private final long maxParkMicros;
  private final Path ipcRoot;
  private MediaDriver clientDriver;
  private AeronCluster session;
  private IngressLoop ingress;

  private AeronMembers(int syncLevel, long maxParkMicros, Path ipcRoot) {
    this.syncLevel = syncLevel;
    this.maxParkMicros = maxParkMicros;
    this.ipcRoot = ipcRoot;
    long maxParkNanos = TimeUnit.MICROSECONDS.toNanos(maxParkMicros);
    // Agrona's backoff (10 spins, 5 yields, then parks from 1 us doubling) with the longest park
    // cut from 1 ms: some twenty agent threads share 2 cores, and each hand-off waits for a
    // wake-up.
    this.idle = () -> new BackoffIdleStrategy(10, 5, 1_000, maxParkNanos);
  }

  static AeronMembers start(W1Options options, Path scratch) throws Exception {
    int syncLevel = options.sync ? (int) options.extra("--sync-level", 1, 1, 2) : 0;
    long maxParkMicros = options.extra("--max-park-us", 100, 1, 1_000_000);
    Path shm = Path.of("/dev/shm");
    Path ipcRoot =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "aeron-w1-")
            : Files.createDirectories(scratch.resolve("ipc"));
    AeronMembers cluster = new AeronMembers(syncLevel, maxParkMicros, ipcRoot);
    try {
      String ingressEndpoints = cluster.startMembers(scratch);
      cluster.connect(ingressEndpoints, options);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts the members; returns the client's ingress endpoints. */
  private String startMembers(Path scratch) throws Exception {
    int[] ports = FreePorts.udp(MEMBERS * 4);
    StringBuilder members = new StringBuilder();
    StringBuilder ingress = new StringBuilder();
    for (int i = 0; i < MEMBERS; i++) {
      // id,ingress,consensus,log,catchup,archive
      members
          .append(members.length() == 0 ? "" : "|")
          .append(i)
          .append(',')
          .append(HOST + ':' + ports[i * 4])
          .append(',')
          .append(HOST + ':' + ports[i * 4 + 1])
          .append(',')
          .append(HOST + ':' + ports[i * 4 + 2])
          .append(',')
          .append(HOST + ":0")
          .append(',')
          .append(HOST + ':' + ports[i * 4 + 3]);
      ingress
          .append(ingress.length() == 0 ? "" : ",")
          .append(i)
          .append('=')
          .append(HOST + ':' + ports[i * 4]);
    }
    for (int i = 0; i < MEMBERS; i++) {
      startMember(i, members.toString(), ports[i * 4 + 3], scratch.resolve("member-" + i));
    }
    return ingress.toString();
  }

  private void startMember(int id, String members, int archivePort, Path dir) {
    String ipcDir = ipcRoot.resolve("member-" + id).toString();
    MediaDriver.Context driver = driverContext(ipcDir, "driver-" + id);
    Archive.Context archive =
        new Archive.Context()
            .aeronDirectoryName(ipcDir)
            .archiveId(id)
            .archiveDir(dir.resolve("archive").toFile())
            .controlChannel("aeron:udp?endpoint=" + HOST + ":" + archivePort)
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + HOST + ":0")
            .archiveClientContext(
                new AeronArchive.Context()
                    .controlResponseChannel("aeron:udp?endpoint=" + HOST + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle::get)
            .deleteArchiveOnStart(true)
            .fileSyncLevel(syncLevel)
            .catalogFileSyncLevel(syncLevel)
            .errorHandler(new QuietErrors("archive-" + id));
    AeronArchive.Context localArchive =
        new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(ipcDir);
    File clusterDir = dir.resolve("cluster").toFile();
    ConsensusModule.Context consensus =
        new ConsensusModule.Context()
            .aeronDirectoryName(ipcDir)
            .clusterMemberId(id)
            .clusterMembers(members)
            .clusterDir(clusterDir)
            .deleteDirOnStart(true)
            .archiveContext(localArchive.clone())
            .serviceCount(1)
            .ingressChannel("aeron:udp")
            .replicationChannel("aeron:udp?endpoint=" + HOST + ":0")
            .idleStrategySupplier(idle::get)
            .fileSyncLevel(syncLevel)
            .errorHandler(new QuietErrors("consensus-" + id));
    ClusteredServiceContainer.Context service =
        new ClusteredServiceContainer.Context()
            .aeronDirectoryName(ipcDir)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .clusteredService(new KvService())
            .serviceId(0)
            .idleStrategySupplier(idle::get)
            .errorHandler(new QuietErrors("service-" + id));
    drivers.add(ClusteredMediaDriver.launch(driver, archive, consensus));
    containers.add(ClusteredServiceContainer.launch(service));
  }

  private MediaDriver.Context driverContext(String ipcDir, String name) {
    return new MediaDriver.Context()
        .aeronDirectoryName(ipcDir)
        .threadingMode(ThreadingMode.SHARED)
        .sharedIdleStrategy(idle.get())
        .termBufferSparseFile(true)
        .dirDeleteOnStart(true)
        .dirDeleteOnShutdown(true)
        .errorHandler(new QuietErrors(name));
  }

  private void connect(String ingressEndpoints, W1Options options) throws Exception {
    String ipcDir = ipcRoot.resolve("client").toString();
    clientDriver = MediaDriver.launchEmbedded(driverContext(ipcDir, "client-driver"));
    IngressLoop[] loop = new IngressLoop[1];
    long deadline = System.currentTimeMillis() + 60_000;
    while (session == null) {
      try {
        session =
            AeronCluster.connect(
                new AeronCluster.Context()
                    .aeronDirectoryName(ipcDir)
                    .ingressChannel("aeron:udp")
                    .ingressEndpoints(ingressEndpoints)
                    .egressChannel("aeron:udp?endpoint=" + HOST + ":0")
                    .egressListener(
                        (sessionId, timestamp, buffer, offset, length, header) ->
                            loop[0].onAck(buffer.getLong(offset)))
                    .idleStrategy(idle.get())
                    .messageTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no connection to the cluster within 60 s", e);
        }
        Thread.sleep(200);
      }
    }
    loop[0] =
        new IngressLoop(
            session, idle.get(), options.clients, ClosedLoop.KEY_BYTES + options.payload);
    ingress = loop[0];
    ingress.start();
    // One write end to end, so the path is up before the clock starts.
    ingress.submit(ClosedLoop.command(ClosedLoop.key(0), new byte[0])).get(30, TimeUnit.SECONDS);
  }

  @Override
  public CompletableFuture<?> submit(int client, byte[] command) {
    return ingress.submit(command);
  }

  @Override
  public String describe() {
    return "# Aeron Cluster "
        + AeronCluster.class.getPackage().getImplementationVersion()
        + ", 3 members on "
        + HOST
        + " over UDP, leader member "
        + session.leaderMemberId()
        + "\n# media drivers and archives SHARED, every agent BackoffIdleStrategy(10 spins, 5"
        + " yields, park 1 us to "
        + maxParkMicros
        + " us); archive and consensus fileSyncLevel="
        + syncLevel;
  }

  @Override
  public void close() throws Exception {
    QuietErrors.closing = true;
    if (ingress != null) {
      ingress.stop();
    }
    CloseHelper.quietClose(session);
    CloseHelper.quietClose(clientDriver);
    containers.forEach(CloseHelper::quietClose);
    drivers.forEach(CloseHelper::quietClose);
    W1Run.deleteRecursively(ipcRoot);
  }

  /** Prints the first few agent errors, one line each, and none once the cluster is closing. */
  private record QuietErrors(String agent) implements ErrorHandler {
    private static final AtomicInteger PRINTED = new AtomicInteger();
    private static volatile boolean closing;

    @Override
    public void onError(Throwable error) {
      if (!closing && PRINTED.getAndIncrement() < 10) {
        System.err.println("error in " + agent + ": " + error);
      }
    }
  }
}
