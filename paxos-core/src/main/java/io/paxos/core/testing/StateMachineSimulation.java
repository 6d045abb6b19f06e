package io.paxos.core.testing;

import io.paxos.core.StateMachine;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.sim.Faults;
import io.paxos.core.sim.SimOptions;
import io.paxos.core.sim.SimResult;
import io.paxos.core.sim.Simulation;
import io.paxos.core.sim.SimulationFailure;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.TypedStateMachine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
  private ClusterShape[] shapes = ClusterShape.values();
  private final Set<Fault> without = EnumSet.noneOf(Fault.class);
  private Consumer<String> trace;

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
   * {@return a simulation of the byte state machines {@code factory} makes, one per replica (each
   * call must return a new instance in the empty state)}
   *
   * @param <M> the state machine's class, which invariants inspect
   * @param factory makes a new state machine in the empty state at each call
   */
  public static <M extends StateMachine> StateMachineSimulation<M, byte[]> of(Supplier<M> factory) {
    return new StateMachineSimulation<>(factory, m -> m, byte[]::clone);
  }

  /**
   * {@return a simulation of the typed state machines {@code factory} makes, run through {@code
   * codecs} as {@link CommandCodecs#stateMachine} runs them in a node}
   *
   * @param <C> commands and queries
   * @param <R> results and answers
   * @param <M> the state machine's class, which invariants inspect
   * @param codecs encode the commands and results, as in the node
   * @param factory makes a new state machine in the empty state at each call
   */
  public static <C, R, M extends TypedStateMachine<C, R>> StateMachineSimulation<M, C> typed(
      CommandCodecs<C, R> codecs, Supplier<M> factory) {
    Objects.requireNonNull(codecs, "codecs");
    return new StateMachineSimulation<>(
        factory, codecs::stateMachine, c -> codecs.commands().encode(c));
  }

  /**
   * Sets what makes each client's command (required).
   *
   * @param generator makes one command; it must draw only from the generator given, so that a seed
   *     replays the same commands
   * @return this simulation
   */
  public StateMachineSimulation<M, C> commands(Function<RandomGenerator, C> generator) {
    this.commands = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /**
   * Sets what makes one query per slot, run on every replica, whose answers must agree (optional).
   *
   * @param generator makes one query; it must draw only from the generator given
   * @return this simulation
   */
  public StateMachineSimulation<M, C> queries(Function<RandomGenerator, C> generator) {
    this.queries = Objects.requireNonNull(generator, "generator");
    return this;
  }

  /**
   * Adds an invariant: {@code holds} must be true of every replica after every slot.
   *
   * @param description names the invariant in a failure's report
   * @param holds tests one replica's state machine; must not change it
   * @return this simulation
   */
  public StateMachineSimulation<M, C> invariant(String description, Predicate<M> holds) {
    invariants.add(
        new Invariant<>(
            Objects.requireNonNull(description, "description"),
            Objects.requireNonNull(holds, "holds")));
    return this;
  }

  /**
   * Sets how many seeds to run (default 100), from {@link #firstSeed}.
   *
   * @param count how many seeds, at least 1
   * @return this simulation
   */
  public StateMachineSimulation<M, C> seeds(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("seeds must be positive, was " + count);
    }
    this.seeds = count;
    return this;
  }

  /**
   * Sets the first seed (default 1).
   *
   * @param seed the first seed; the others follow it
   * @return this simulation
   */
  public StateMachineSimulation<M, C> firstSeed(long seed) {
    this.firstSeed = seed;
    return this;
  }

  /**
   * Sets how many client requests each seed makes (default 100).
   *
   * @param count requests per seed, at least 1
   * @return this simulation
   */
  public StateMachineSimulation<M, C> commandsPerSeed(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("commandsPerSeed must be positive, was " + count);
    }
    this.commandsPerSeed = count;
    return this;
  }

  /**
   * Sets the cluster shapes, one per seed in turn (default: every {@link ClusterShape}).
   *
   * @param shapes at least one shape; used in turn, one per seed
   * @return this simulation
   * @throws IllegalArgumentException if none is given
   * @throws NullPointerException if one is null
   */
  public StateMachineSimulation<M, C> clusterShapes(ClusterShape... shapes) {
    if (shapes.length == 0) {
      throw new IllegalArgumentException("at least one cluster shape");
    }
    for (ClusterShape shape : shapes) {
      Objects.requireNonNull(shape, "shape");
    }
    this.shapes = shapes.clone();
    return this;
  }

  /**
   * Leaves these kinds of fault out of every seed (by default each seed draws its own mix of all of
   * them); calls add up. A seed then runs differently, not as it ran with the fault.
   *
   * @param faults the kinds to leave out; none leaves the faults as they are
   * @return this simulation
   * @throws NullPointerException if one is null
   */
  public StateMachineSimulation<M, C> without(Fault... faults) {
    for (Fault fault : faults) {
      without.add(Objects.requireNonNull(fault, "fault"));
    }
    return this;
  }

  /**
   * Hands one line per simulated event (a message sent or delivered, a crash, a client's request)
   * to {@code trace}, for debugging a seed: {@code .trace(System.out::println)}. Off by default; it
   * does not change the run.
   *
   * @param trace receives each line, on the thread that runs the simulation
   * @return this simulation
   */
  public StateMachineSimulation<M, C> trace(Consumer<String> trace) {
    this.trace = Objects.requireNonNull(trace, "trace");
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
    ClusterShape shape = shapes[(int) Math.floorMod(seed, (long) shapes.length)];
    SimOptions options;
    try {
      options = options(seed, shape);
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
              + options.label()
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
              + options.label()
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

  private SimOptions options(long seed, ClusterShape shape) {
    SimOptions base = SimOptions.randomized(seed, shape.topology());
    SplittableRandom choices = new SplittableRandom(seed ^ 0x57A7E_3AC41L);
    SimOptions.Builder b =
        base.toBuilder()
            .commands(commandsPerSeed)
            .stateMachine(replicas())
            .commandGenerator(r -> encoder.apply(commands.apply(r)))
            .faults(
                leaveOut(
                    base.faults().withWipes(choices.nextInt(2)).withPauses(choices.nextInt(3)),
                    without));
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
    if (trace != null) {
      b.trace(trace);
    }
    return b.build();
  }

  /** {@code faults} without the kinds in {@code off}. */
  static Faults leaveOut(Faults faults, Set<Fault> off) {
    boolean crashes = !off.contains(Fault.CRASHES);
    return new Faults(
        off.contains(Fault.MESSAGE_LOSS) ? 0 : faults.dropRate(),
        off.contains(Fault.DUPLICATION) ? 0 : faults.duplicateRate(),
        faults.minDelayMs(),
        faults.maxDelayMs(),
        off.contains(Fault.PARTITIONS) ? 0 : faults.partitions(),
        crashes ? faults.crashes() : 0,
        crashes ? faults.midSendCrashRate() : 0,
        crashes ? faults.midSyncCrashRate() : 0,
        faults.maxEpisodeMs(),
        faults.storageCrash(),
        off.contains(Fault.WIPES) ? 0 : faults.wipes(),
        off.contains(Fault.PAUSES) ? 0 : faults.pauses());
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
