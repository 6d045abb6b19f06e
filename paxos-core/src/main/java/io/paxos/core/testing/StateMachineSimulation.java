package io.paxos.core.testing;

import io.paxos.core.StateMachine;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.sim.SimOptions;
import io.paxos.core.sim.SimResult;
import io.paxos.core.sim.Simulation;
import io.paxos.core.sim.SimulationFailure;
import io.paxos.core.sim.Topology;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.TypedStateMachine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs an application's state machine in the deterministic simulator ({@link Simulation}): a
 * cluster on a simulated network with seeded message loss, duplication, reordering, partitions,
 * crashes (also in the middle of a group commit), pauses, wiped disks, snapshots and snapshot
 * installs, with one replica of the state machine per learner, fed the chosen commands as the
 * runtime feeds them. After every slot each replica is checked against a reference instance fed
 * every command through {@code apply}:
 *
 * <ul>
 *   <li>its state (the bytes of its snapshot) equals the reference's after the same slot, so
 *       replicas never diverge, and {@code applyWithoutResult} (which a node calls for commands
 *       another node answers, and on replay after a restart) changes the state exactly as {@code
 *       apply} does; each result it returns equals the reference's;
 *   <li>a snapshot restored into a fresh instance snapshots to the same bytes, and replicas
 *       restored from a snapshot (after a restart, or a peer's snapshot) stay equal to the
 *       reference;
 *   <li>with {@link #queries}, one query per slot: answering it leaves the state unchanged, and
 *       every replica answers it as the reference does;
 *   <li>every {@link #invariant} holds on every replica after every slot.
 * </ul>
 *
 * <p>A failure names its cause where it can (a nondeterministic state machine, {@code
 * applyWithoutResult} differing from {@code apply}, a snapshot that does not restore, a query that
 * changes the state) and throws an {@link AssertionError} naming the seed, with a one-line replay:
 * {@code .firstSeed(S).seeds(1)}, or {@code -Dpaxos.sim.seed=S} on the command line, runs just that
 * seed again, exactly. Runs are deterministic as long as the state machine and the generators are:
 * the generators must draw only from the {@link RandomGenerator} they are given.
 *
 * <pre>{@code
 * StateMachineSimulation.of(Ledger::new)
 *     .commands(r -> Ledger.transfer(r.nextInt(4), r.nextInt(4), r.nextInt(50)))
 *     .invariant("no balance is negative", Ledger::noNegativeBalance)
 *     .seeds(100)
 *     .run();
 * }</pre>
 *
 * <p>Not thread-safe while being configured; {@link #run} runs the seeds one after the other in the
 * calling thread.
 *
 * @param <M> the application's state machine type, which invariants look at
 * @param <C> the type of commands and queries ({@code byte[]} for a {@link StateMachine})
 */
public final class StateMachineSimulation<M, C> {
  /** The system property that runs one seed only: {@code -Dpaxos.sim.seed=S}. */
  public static final String SEED_PROPERTY = "paxos.sim.seed";

  private final Supplier<M> factory;
  private final Function<M, StateMachine> bytes;
  private final Function<C, byte[]> encoder;
  private Function<RandomGenerator, C> commands;
  private Function<RandomGenerator, C> queries;
  private final List<Invariant<M>> invariants = new ArrayList<>();
  private long firstSeed = 1;
  private int seeds = 100;
  private int commandsPerSeed = 100;
  private Topology[] topologies = Topology.values();
  private Consumer<SimOptions.Builder> customizer = b -> {};

  private record Invariant<M>(String description, Predicate<M> holds) {}

  /**
   * What a run of every seed did.
   *
   * @param seeds seeds run, each passed
   * @param slots slots the learners delivered, summed over the seeds
   * @param steps simulated events handled (the checks ran after each)
   * @param crashes node crashes
   * @param snapshots snapshots taken by learners (each restored into a fresh instance and checked)
   * @param installs snapshots installed from a peer (restored into a fresh replica)
   * @param wipes nodes that lost their whole storage and rebuilt from their peers
   */
  public record Summary(
      int seeds, long slots, long steps, long crashes, long snapshots, long installs, long wipes) {
    @Override
    public String toString() {
      return String.format(
          "%d seeds: %d slots applied, %d steps, %d crashes, %d snapshots taken, %d installed"
              + " from a peer, %d nodes wiped",
          seeds, slots, steps, crashes, snapshots, installs, wipes);
    }
  }

  private StateMachineSimulation(
      Supplier<M> factory, Function<M, StateMachine> bytes, Function<C, byte[]> encoder) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.bytes = bytes;
    this.encoder = encoder;
  }

  /**
   * A simulation of the byte state machines {@code factory} makes, one per replica (each call must
   * return a new instance in the empty state).
   */
  public static <M extends StateMachine> StateMachineSimulation<M, byte[]> of(Supplier<M> factory) {
    return new StateMachineSimulation<>(factory, m -> m, byte[]::clone);
  }

  /**
   * A simulation of the typed state machines {@code factory} makes, run through {@code codecs} as
   * {@link CommandCodecs#stateMachine} runs them in a node.
   */
  public static <C, R, M extends TypedStateMachine<C, R>> StateMachineSimulation<M, C> typed(
      CommandCodecs<C, R> codecs, Supplier<M> factory) {
    Objects.requireNonNull(codecs, "codecs");
    return new StateMachineSimulation<>(
        factory, codecs::stateMachine, c -> codecs.commands().encode(c));
  }

  /** Makes each client's command (required); draw only from the generator given. */
  public StateMachineSimulation<M, C> commands(Function<RandomGenerator, C> generator) {
    this.commands = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /** Makes one query per slot, checked on every replica (optional). */
  public StateMachineSimulation<M, C> queries(Function<RandomGenerator, C> generator) {
    this.queries = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /** {@code holds} must be true of every replica after every slot; {@code description} names it. */
  public StateMachineSimulation<M, C> invariant(String description, Predicate<M> holds) {
    invariants.add(
        new Invariant<>(
            Objects.requireNonNull(description, "description"),
            Objects.requireNonNull(holds, "holds")));
    return this;
  }

  /** How many seeds to run (default 100), from {@link #firstSeed}. */
  public StateMachineSimulation<M, C> seeds(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("seeds must be positive, was " + count);
    }
    this.seeds = count;
    return this;
  }

  /** The first seed (default 1). */
  public StateMachineSimulation<M, C> firstSeed(long seed) {
    this.firstSeed = seed;
    return this;
  }

  /** How many client requests each seed makes (default 100). */
  public StateMachineSimulation<M, C> commandsPerSeed(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("commandsPerSeed must be positive, was " + count);
    }
    this.commandsPerSeed = count;
    return this;
  }

  /** The cluster shapes, one per seed in turn (default: every {@link Topology}). */
  public StateMachineSimulation<M, C> topologies(Topology... shapes) {
    if (shapes.length == 0) {
      throw new IllegalArgumentException("at least one topology");
    }
    this.topologies = shapes.clone();
    return this;
  }

  /**
   * Changes each seed's options after this class set them (faults, timings, a trace of the events:
   * {@code b -> b.trace(System.out::println)}).
   */
  public StateMachineSimulation<M, C> customize(Consumer<SimOptions.Builder> customizer) {
    this.customizer = Objects.requireNonNull(customizer, "customizer");
    return this;
  }

  /**
   * Run every seed (or only the seed of {@code -Dpaxos.sim.seed}), stopping at the first that
   * fails.
   *
   * @return what the seeds did
   * @throws AssertionError naming the failing seed, what broke, and how to replay it
   */
  public Summary run() {
    if (commands == null) {
      throw new IllegalStateException("no command generator: call commands(...) first");
    }
    long first = firstSeed;
    int count = seeds;
    String only = System.getProperty(SEED_PROPERTY);
    if (only != null && !only.isBlank()) {
      first = Long.parseLong(only.trim());
      count = 1;
    }
    long slots = 0;
    long steps = 0;
    long crashes = 0;
    long snapshots = 0;
    long installs = 0;
    long wipes = 0;
    for (int i = 0; i < count; i++) {
      SimResult r = runSeed(first + i); // wraps past Long.MAX_VALUE rather than stopping
      slots += r.slots();
      steps += r.steps();
      crashes += r.crashes();
      snapshots += r.snapshots();
      installs += r.installs();
      wipes += r.wipes();
    }
    return new Summary(count, slots, steps, crashes, snapshots, installs, wipes);
  }

  private SimResult runSeed(long seed) {
    Topology topology = topologies[(int) Math.floorMod(seed, (long) topologies.length)];
    SimOptions options;
    try {
      options = options(seed, topology);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("seed " + seed + ": invalid options: " + e, e);
    }
    try {
      return Simulation.run(options);
    } catch (SimulationFailure f) {
      String cause = f.getCause() == null ? f.getMessage() : f.getCause().getMessage();
      throw new AssertionError(
          "seed "
              + seed
              + " failed ("
              + topology.label()
              + " nodes): "
              + cause
              + "\n  replay: "
              + replay(seed)
              + "\n  details: "
              + f.getMessage(),
          f);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "seed "
              + seed
              + " failed ("
              + topology.label()
              + " nodes): "
              + e
              + "\n  replay: "
              + replay(seed),
          e);
    }
  }

  /** The one-line replay of {@code seed}. */
  static String replay(long seed) {
    return ".firstSeed(" + seed + ").seeds(1), or -D" + SEED_PROPERTY + "=" + seed;
  }

  private SimOptions options(long seed, Topology topology) {
    SimOptions base = SimOptions.randomized(seed, topology);
    SplittableRandom choices = new SplittableRandom(seed ^ 0x57A7E_3AC41L);
    SimOptions.Builder b =
        base.toBuilder()
            .commands(commandsPerSeed)
            .stateMachine(replicas())
            .commandGenerator(r -> encoder.apply(commands.apply(r)))
            .faults(base.faults().withWipes(choices.nextInt(2)).withPauses(choices.nextInt(3)));
    if (queries != null) {
      b.queryGenerator(r -> encoder.apply(queries.apply(r)));
    }
    if (!invariants.isEmpty()) {
      b.replicaCheck(this::broken);
    }
    if (base.snapshotInterval() == 0) { // every seed snapshots and restores
      int[] intervals = {2, 7, 30};
      int[] retained = {1, 4, 32};
      b.snapshotInterval(intervals[choices.nextInt(intervals.length)]);
      ProtocolOptions p = base.protocol();
      b.protocol(p.withRetainedSlots(retained[choices.nextInt(retained.length)]));
    }
    customizer.accept(b);
    return b.build();
  }

  // The application's instance behind each byte state machine the simulation made (one run at a
  // time: cleared by replicas()).
  private final Map<StateMachine, M> instances = new IdentityHashMap<>();

  private Supplier<StateMachine> replicas() {
    instances.clear();
    return () -> {
      M m = factory.get();
      StateMachine machine = bytes.apply(Objects.requireNonNull(m, "the factory returned null"));
      instances.put(machine, m);
      return machine;
    };
  }

  private Optional<String> broken(StateMachine machine) {
    M m = instances.get(machine);
    for (Invariant<M> i : invariants) {
      if (!i.holds().test(m)) {
        String state = String.valueOf(m);
        return Optional.of(
            "invariant \""
                + i.description()
                + "\" does not hold of "
                + (state.length() > 200 ? state.substring(0, 200) + "..." : state));
      }
    }
    return Optional.empty();
  }
}
