package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.storage.InMemoryStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing of every role's message handlers through the node's inbound path: a
 * running three-node cluster (the protocol cores, driven as the runtime drives them: refusal check,
 * receive, persist, then send) gets messages of every kind with random and extreme field values,
 * claimed from any node, between its own. Nothing may throw, nothing outside the bounds may be
 * persisted or reach the host (a result or a snapshot transfer, {@link HostMessage}), and
 * afterwards the cluster must still commit a command at every node.
 *
 * <p>Tries: {@code jqwik.tries.default} (200 in {@code junit-platform.properties}); a long run
 * raises it, e.g. {@code -Djqwik.tries.default=20000}.
 */
class InboundFuzzTest {
  private static final int[] IDS = {1, 2, 3};
  private static final Integer[] MEMBERS = {1, 2, 3};
  private static final ClusterConfig CONFIG = ClusterConfig.of("fuzz", IDS);
  private static final ProtocolOptions OPTIONS =
      ProtocolOptions.defaults().withTimings(10, 50, 100, 20);

  /**
   * Messages of every kind with any field values, bounded or not: nothing escapes a handler,
   * nothing outside the bounds is persisted, and every node goes on taking inputs. (A member that
   * forges values inside the bounds, such as a chosen value in a catch-up reply, can mislead a
   * learner: Paxos trusts its members' messages; the bounds keep it from crashing, hanging or
   * exhausting a node.)
   */
  @Property
  void anyMessageNeitherEscapesNorPersistsOutOfBounds(
      @ForAll("forged") List<Forged> forged, @ForAll long seed) {
    Cluster c = new Cluster(seed);
    c.run(300); // elect a leader
    c.commit(1);
    for (Forged f : forged) {
      c.inject(f.to(), f.message());
      c.run(f.pauseMs());
    }
    c.run(1_000);
    assertWithinBounds(c);
  }

  /**
   * Messages that break a bound all through the run (at any frontier and known round it reaches):
   * every one is refused, so the cluster is as if they were never sent, and goes on committing
   * commands at every node.
   */
  @Property
  void outOfBoundsMessagesAreRefusedAndTheClusterKeepsServing(
      @ForAll("outOfBounds") List<Forged> forged, @ForAll long seed) {
    Cluster c = new Cluster(seed);
    c.run(300);
    c.commit(1);
    for (Forged f : forged) {
      c.inject(f.to(), f.message());
      c.run(f.pauseMs());
    }
    assertWithinBounds(c);
    assertThat(c.hostTaken).as("host messages that passed the bounds").isEmpty();
    c.commit(2);
  }

  private static void assertWithinBounds(Cluster c) {
    for (int id : IDS) {
      var state = c.storages[id - 1].load();
      assertThat(state.promised().round()).isLessThanOrEqualTo(Ballot.MAX_ROUND);
      assertThat(state.maxRound()).isLessThanOrEqualTo(Ballot.MAX_ROUND);
      for (AcceptedEntry e : state.accepted()) {
        assertThat(e.slot()).isBetween(0L, MessageLimits.DEFAULTS.maxSlotsAhead() + 1000);
        assertThat(e.ballot().round()).isLessThanOrEqualTo(Ballot.MAX_ROUND);
      }
    }
    for (HostMessage h : c.hostTaken) {
      if (h instanceof HostMessage.SnapshotChunk || h instanceof HostMessage.SnapshotRequest) {
        // A snapshot passes between memberships: any node id, member or not.
        assertThat(h.from()).as("sender of %s", h).isBetween(1, Member.MAX_ID);
      } else {
        assertThat(CONFIG.member(h.from())).as("sender of %s", h).isPresent();
      }
      long slot =
          h instanceof HostMessage.SnapshotChunk s
              ? s.slot()
              : h instanceof HostMessage.SnapshotRequest r
                  ? r.slot()
                  : h instanceof HostMessage.CommandFailed f
                      ? f.slot()
                      : ((HostMessage.CommandResult) h).slot();
      assertThat(slot).isBetween(0L, MessageBounds.MAX_SLOT);
      if (h instanceof HostMessage.SnapshotChunk s) {
        assertThat(s.totalBytes()).isBetween(0L, MessageLimits.DEFAULTS.maxSnapshotBytes());
        assertThat(s.offset()).isBetween(0L, s.totalBytes() - s.data().length);
      } else if (h instanceof HostMessage.SnapshotRequest r) {
        assertThat(r.offset()).isBetween(0L, MessageLimits.DEFAULTS.maxSnapshotBytes());
      } else if (h instanceof HostMessage.CommandFailed f) {
        assertThat(f.exceptionClass()).isNotEmpty().hasSizeLessThanOrEqualTo(1000);
        assertThat(f.exceptionMessage()).hasSizeLessThanOrEqualTo(1000);
      }
    }
  }

  /**
   * The bounds as a node sees them whose log and rounds are far ahead of anything a run reaches
   * (10,000 slots and rounds): what they refuse, every node of the run refuses.
   */
  private static final MessageBounds AHEAD = new MessageBounds(CONFIG, MessageLimits.DEFAULTS);

  /** A node of the cluster, for the host's messages (whose bounds need no state of the node). */
  private static final ProtocolNode HOST_VIEW =
      new ProtocolNode(
          1,
          CONFIG,
          OPTIONS,
          new SplittableRandom(0),
          new InMemoryStorage().load(),
          RoleFactory.DEFAULT,
          true,
          MessageLimits.DEFAULTS);

  private static boolean refusedThroughout(PeerMessage m) {
    return m instanceof Message message
        ? AHEAD.refusal(message, 10_000, 10_000).isPresent()
        : PeerMessageBounds.refusal(m, HOST_VIEW).isPresent();
  }

  @Provide
  Arbitrary<List<Forged>> outOfBounds() {
    return forgedOne().filter(f -> refusedThroughout(f.message())).list().ofMaxSize(40);
  }

  record Forged(int to, PeerMessage message, int pauseMs) {}

  @Provide
  Arbitrary<List<Forged>> forged() {
    return forgedOne().list().ofMaxSize(40);
  }

  private static Arbitrary<Forged> forgedOne() {
    return Combinators.combine(
            Arbitraries.of(MEMBERS), messages(), Arbitraries.integers().between(0, 30))
        .as(Forged::new);
  }

  // ---- random and extreme field values

  private static Arbitrary<Long> slots() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            0L,
            1L,
            -1L,
            2L,
            1L << 20,
            (1L << 20) + 2,
            1L << 40,
            MessageBounds.MAX_SLOT,
            MessageBounds.MAX_SLOT + 1,
            Long.MAX_VALUE - 1,
            Long.MAX_VALUE,
            Long.MIN_VALUE),
        Arbitraries.longs().between(0, 50),
        Arbitraries.longs());
  }

  private static Arbitrary<Integer> counts() {
    return Arbitraries.oneOf(
        Arbitraries.of(0, 1, -1, 255, 256, 257, 1 << 17, (1 << 17) + 1, Integer.MAX_VALUE),
        Arbitraries.integers().between(0, 20),
        Arbitraries.integers());
  }

  private static Arbitrary<Integer> nodes() {
    return Arbitraries.oneOf(
        Arbitraries.of(MEMBERS), Arbitraries.of(0, -1, 4, 0xFFFF, 0x10000, Integer.MAX_VALUE));
  }

  private static Arbitrary<Ballot> ballots() {
    Arbitrary<Long> rounds =
        Arbitraries.oneOf(
            Arbitraries.of(
                0L,
                1L,
                Ballot.MAX_ROUND - 1,
                Ballot.MAX_ROUND,
                Ballot.MAX_ROUND + 1,
                1L << 32,
                (1L << 32) + 1,
                Long.MAX_VALUE),
            Arbitraries.longs().between(0, 20),
            Arbitraries.longs().greaterOrEqual(0));
    Arbitrary<Integer> ids =
        Arbitraries.oneOf(Arbitraries.of(MEMBERS), Arbitraries.of(0, 4, 0xFFFF, Integer.MAX_VALUE));
    return Combinators.combine(rounds, ids).as(Ballot::new);
  }

  private static Arbitrary<Value> values() {
    Arbitrary<Command> commands =
        Combinators.combine(
                nodes().filter(n -> n > 0),
                Arbitraries.longs(),
                Arbitraries.longs(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8))
            .as((o, client, seq, payload) -> new Command(o, client, seq, payload));
    return Arbitraries.oneOf(
        Arbitraries.just(Value.NOOP),
        commands.list().ofMinSize(1).ofMaxSize(3).map(Value.Batch::new),
        hostileBatches(commands));
  }

  /**
   * Batches as a peer's bytes make them: a valid batch's {@link BatchCodec} form with bytes
   * overwritten (origins, counts and lengths at any value), decoded as the transport decodes it.
   * What the decoder refuses never reaches a node (the stream is closed); what it takes does, as a
   * batch, whatever its commands hold.
   */
  private static Arbitrary<Value> hostileBatches(Arbitrary<Command> commands) {
    return Combinators.combine(
            commands.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.integers().between(0, 1000).list().ofMaxSize(3),
            Arbitraries.bytes())
        .as(
            (list, at, b) -> {
              byte[] form = BatchCodec.encode(list).clone();
              for (int i : at) {
                form[i % form.length] = b;
              }
              try {
                return (Value) BatchCodec.decode(form);
              } catch (IllegalArgumentException refused) {
                return Value.NOOP;
              }
            });
  }

  private static Arbitrary<List<Value>> valueLists() {
    return values().list().ofMaxSize(4);
  }

  private static Arbitrary<List<AcceptedEntry>> entries() {
    return Combinators.combine(slots(), ballots(), values())
        .as(AcceptedEntry::new)
        .list()
        .ofMaxSize(4);
  }

  private static Arbitrary<PeerMessage> messages() {
    Arbitrary<Integer> from = nodes().filter(n -> n >= 0);
    List<Arbitrary<? extends PeerMessage>> kinds = new ArrayList<>();
    kinds.add(Combinators.combine(from, ballots(), slots()).as(Message.Prepare::new));
    kinds.add(Combinators.combine(from, ballots(), slots(), entries()).as(Message.Promise::new));
    kinds.add(
        Combinators.combine(from, ballots(), slots(), valueLists(), slots())
            .as(Message.Accept::new));
    kinds.add(Combinators.combine(from, ballots(), slots(), counts()).as(Message.Accepted::new));
    kinds.add(Combinators.combine(from, ballots(), ballots()).as(Message.Nack::new));
    kinds.add(Combinators.combine(from, ballots(), slots()).as(Message.Commit::new));
    kinds.add(Combinators.combine(from, ballots(), slots(), slots()).as(Message.Heartbeat::new));
    kinds.add(Combinators.combine(from, ballots(), slots()).as(Message.HeartbeatAck::new));
    kinds.add(Combinators.combine(from, ballots(), slots()).as(Message.PriorityClaim::new));
    kinds.add(Combinators.combine(from, slots(), counts()).as(Message.CatchUpRequest::new));
    kinds.add(Combinators.combine(from, slots(), valueLists()).as(Message.CatchUpReply::new));
    kinds.add(Combinators.combine(from, slots(), slots(), slots()).as(Message.AcceptedQuery::new));
    kinds.add(
        Combinators.combine(from, slots(), slots(), slots(), entries())
            .as(Message.AcceptedReport::new));
    kinds.add(Combinators.combine(from, slots()).as(Message.SnapshotDurable::new));
    kinds.add(Combinators.combine(from, slots(), slots()).as(HostMessage.SnapshotRequest::new));
    kinds.add(
        Combinators.combine(
                from,
                slots(),
                slots(),
                slots(),
                Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4))
            .as(HostMessage.SnapshotChunk::new));
    kinds.add(
        Combinators.combine(from, ballots(), values().flatMap(v -> Arbitraries.just(v.commands())))
            .as(Message.Forward::new));
    kinds.add(
        Combinators.combine(
                from,
                values().flatMap(v -> Arbitraries.just(v.commands())),
                Arbitraries.of(Outbox.Rejection.class),
                nodes())
            .as(Message.ForwardRejected::new));
    kinds.add(Combinators.combine(from, Arbitraries.longs()).as(Message.ReadIndexRequest::new));
    kinds.add(
        Combinators.combine(
                from, Arbitraries.longs(), Arbitraries.of(true, false), slots(), nodes())
            .as(Message.ReadIndexReply::new));
    kinds.add(
        Combinators.combine(
                from,
                Arbitraries.longs(),
                Arbitraries.longs(),
                slots(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4))
            .as(HostMessage.CommandResult::new));
    kinds.add(
        Combinators.combine(
                from,
                Arbitraries.longs(),
                Arbitraries.longs(),
                slots(),
                Arbitraries.strings().ofMaxLength(1002),
                Arbitraries.strings().ofMaxLength(1002))
            .as(HostMessage.CommandFailed::new));
    return Arbitraries.oneOf(kinds);
  }

  /**
   * Three protocol cores over a lossless network and a simulated clock, carried out as the runtime
   * does: every message from the network passes {@link PeerMessageBounds#refusal} first, and each
   * step's state is persisted before its messages leave. Host messages that pass are kept in {@code
   * hostTaken} (the runtime hands them to its snapshot and apply sides; there are none here).
   */
  private static final class Cluster {
    private record InFlight(int to, Message message) {}

    final ProtocolNode[] nodes = new ProtocolNode[IDS.length];
    final InMemoryStorage[] storages = new InMemoryStorage[IDS.length];
    final Outbox[] outs = new Outbox[IDS.length];
    final OutboxCarrier[] carriers = new OutboxCarrier[IDS.length];
    final List<List<Outbox.Delivery>> delivered = new ArrayList<>();
    final ArrayDeque<InFlight> network = new ArrayDeque<>();
    final List<HostMessage> hostTaken = new ArrayList<>();
    long now = 1;

    Cluster(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < IDS.length; i++) {
        storages[i] = new InMemoryStorage();
        outs[i] = new Outbox();
        nodes[i] =
            new ProtocolNode(
                IDS[i],
                CONFIG,
                OPTIONS,
                random.split(),
                storages[i].load(),
                RoleFactory.DEFAULT,
                true,
                MessageLimits.DEFAULTS);
        delivered.add(new ArrayList<>());
        carriers[i] = carrier(IDS[i], storages[i]);
      }
    }

    /** The runtime's carrier over an inline writer: persisted before anything leaves. */
    private OutboxCarrier carrier(int id, InMemoryStorage storage) {
      return new OutboxCarrier(
          id,
          StorageWriter.inline(storage),
          new OutboxCarrier.Effects() {
            @Override
            public void send(int to, Message message) {
              network.add(new InFlight(to, message));
            }

            @Override
            public void loopback(Message message) {
              network.add(new InFlight(id, message));
            }

            @Override
            public void deliver(List<Outbox.Delivery> deliveries) {
              delivered.get(id - 1).addAll(deliveries);
            }

            @Override
            public void settle(Outbox batch) {}
          });
    }

    void inject(int to, PeerMessage m) {
      receive(to, m);
    }

    private void receive(int to, PeerMessage m) {
      ProtocolNode n = nodes[to - 1];
      if (PeerMessageBounds.refusal(m, n).isPresent()) {
        return;
      }
      if (m instanceof HostMessage h) {
        hostTaken.add(h); // the host's business, never the roles'
        return;
      }
      n.receive((Message) m, now, outs[to - 1]);
      finish(to);
    }

    private void finish(int id) {
      ProtocolNode n = nodes[id - 1];
      Outbox out = outs[id - 1];
      n.flush(now, out);
      carriers[id - 1].carryOut(out);
    }

    void run(long ms) {
      long end = now + ms;
      while (now < end) {
        now++;
        for (int id : IDS) {
          nodes[id - 1].tick(now, outs[id - 1]);
          finish(id);
        }
        int budget = network.size();
        for (int i = 0; i < budget && !network.isEmpty(); i++) {
          InFlight f = network.poll();
          if (f.to() >= 1 && f.to() <= IDS.length) {
            receive(f.to(), f.message());
          }
        }
      }
    }

    /** Submit a command at every node in turn until each is delivered at every node. */
    void commit(long tag) {
      for (int id : IDS) {
        Command c = new Command(id, tag * 100 + id, 1, new byte[] {(byte) tag});
        nodes[id - 1].submit(c, now, outs[id - 1]);
        finish(id);
        run(1_000);
        for (int other : IDS) {
          assertThat(
                  delivered.get(other - 1).stream().anyMatch(d -> d.value().commands().contains(c)))
              .as("command %s delivered at node %d", c, other)
              .isTrue();
        }
      }
    }
  }
}
