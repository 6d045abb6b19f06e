package io.paxos.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.sim.SimulationFailure;
import io.paxos.core.sim.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * No internal type in an API signature (docs/api-surface.md): every public or protected
 * constructor, method and field of every public type in an API package of paxos-core, and the
 * type's own supertypes and type parameters, mention no type of an internal package, as a
 * parameter, return or field type, thrown exception, type bound or generic argument. The
 * implementer SPIs for storage and transport carry protocol types by decision; they are the
 * explicit exceptions of {@link #SPI_TYPES}.
 */
class ApiSignaturesTest {
  /** The internal packages of paxos-core (and of every module, which uses them). */
  static final ApiSignatures CHECK = new ApiSignatures(ApiSurfaceTest.CORE_INTERNAL);

  /**
   * The API types whose signatures may carry protocol types: the storage and transport SPIs and
   * their implementations, which store or carry the protocol's state and messages without looking
   * inside (their javadoc says they are coupled to the library's version). {@code SnapshotStore}
   * and {@code PeerObserver}, the other SPI types, and {@code InMemoryNetwork} carry none and are
   * checked like the rest.
   */
  /** paxos-core's compiled classes (the tests run in the module's directory). */
  static final Path CLASSES = Path.of("target/classes");

  static final Set<String> SPI_TYPES =
      Set.of(
          "io.paxos.core.storage.Storage",
          "io.paxos.core.storage.FileStorage",
          "io.paxos.core.storage.InMemoryStorage",
          "io.paxos.core.transport.Transport");

  @Test
  void noApiSignatureMentionsAnInternalType() {
    List<Class<?>> api = CHECK.apiTypes(CLASSES);
    assertThat(api)
        .as("the import sees the API")
        .contains(io.paxos.core.runtime.PaxosNode.class, io.paxos.core.runtime.NodeStatus.class);
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : api) {
      if (!SPI_TYPES.contains(type.getName())) {
        leaks.addAll(CHECK.leaks(type));
      }
    }
    assertThat(leaks).as("internal types in API signatures").isEmpty();
  }

  @Test
  void everyTypeAllowedToCarryProtocolTypesIsAnApiTypeThatDoes() {
    // An entry for a type that no longer exists, or no longer needs it, widens the list silently.
    Set<String> names = new TreeSet<>();
    for (Class<?> type : CHECK.apiTypes(CLASSES)) {
      names.add(type.getName());
      if (SPI_TYPES.contains(type.getName())) {
        assertThat(CHECK.leaks(type)).as(type.getName()).isNotEmpty();
      }
    }
    assertThat(names).containsAll(SPI_TYPES);
  }

  /** The check itself: each place a type can hide in a signature is found. */
  @Test
  void theCheckFindsAnInternalTypeWhereverItHides() {
    assertThat(CHECK.leaks(Clean.class)).isEmpty();
    assertThat(CHECK.leaks(Leaky.class))
        .containsExactlyInAnyOrder(
            "Leaky#ballot (field): io.paxos.core.protocol.Ballot",
            "Leaky#ballots (field): io.paxos.core.protocol.Ballot",
            "Leaky(Topology[]): io.paxos.core.sim.Topology",
            "Leaky#returned(): io.paxos.core.protocol.Ballot",
            "Leaky#wildcard(List): io.paxos.core.protocol.Message",
            "Leaky#nested(Map): io.paxos.core.sim.Topology",
            "Leaky#bounded(Ballot): io.paxos.core.protocol.Ballot",
            "Leaky#callback(Consumer): io.paxos.core.protocol.Ballot",
            "Leaky#thrower(): io.paxos.core.sim.SimulationFailure",
            "Leaky#inherited(): io.paxos.core.protocol.Ballot");
    assertThat(CHECK.leaks(LeakySupertype.class))
        .containsExactly("LeakySupertype (supertype): io.paxos.core.protocol.Ballot");
  }

  /** A public type whose signatures name no internal type, though its body uses one. */
  public static final class Clean implements Comparable<Clean> {
    private Ballot hidden = Ballot.ZERO;

    /** A field of an API type. */
    public List<? extends Comparable<?>> fine;

    /** {@return an API type, computed from an internal one} */
    public long round() {
      return hidden.round();
    }

    Ballot packagePrivate() {
      return hidden;
    }

    @Override
    public int compareTo(Clean other) {
      return 0;
    }
  }

  /** A supertype whose public method names an internal type. */
  public abstract static class LeakyBase {
    /** {@return an internal type, inherited by subclasses} */
    public abstract Ballot inherited();
  }

  /** Each way a signature can name an internal type. */
  public abstract static class Leaky extends LeakyBase {
    /** An internal type as a field. */
    public Ballot ballot;

    /** One as an array's generic argument. */
    protected List<Ballot[]> ballots;

    /**
     * One as a constructor's parameter.
     *
     * @param topologies internal
     */
    public Leaky(Topology... topologies) {}

    /** {@return one as a return type} */
    public abstract Ballot returned();

    /**
     * One as a lower bound of a wildcard.
     *
     * @param messages internal
     */
    public abstract void wildcard(List<? super Message> messages);

    /**
     * One deep in generic arguments.
     *
     * @param shapes internal
     */
    public abstract void nested(Map<String, List<Set<Topology>>> shapes);

    /**
     * One as a type variable's bound.
     *
     * @param <T> internal
     * @param ballot internal
     */
    public abstract <T extends Ballot> void bounded(T ballot);

    /**
     * One as a callback's argument.
     *
     * @param consumer internal
     */
    protected abstract void callback(Consumer<Ballot> consumer);

    /**
     * One as a thrown exception.
     *
     * @throws SimulationFailure internal
     */
    public abstract void thrower() throws SimulationFailure;
  }

  /** An internal type as a generic argument of a supertype. */
  public abstract static class LeakySupertype implements Comparable<Ballot> {}
}
