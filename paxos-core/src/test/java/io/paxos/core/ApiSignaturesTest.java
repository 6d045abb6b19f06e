package io.paxos.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.sim.SimulationFailure;
import io.paxos.core.sim.Topology;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
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
  /**
   * The API types whose signatures may carry protocol types: the storage and transport SPIs and
   * their implementations, which store or carry the protocol's state and messages without looking
   * inside (their javadoc says they are coupled to the library's version). {@code SnapshotStore}
   * and {@code PeerObserver}, the other SPI types, and {@code InMemoryNetwork} carry none and are
   * checked like the rest.
   */
  static final Set<String> SPI_TYPES =
      Set.of(
          "io.paxos.core.storage.Storage",
          "io.paxos.core.storage.FileStorage",
          "io.paxos.core.storage.InMemoryStorage",
          "io.paxos.core.transport.Transport");

  @Test
  void noApiSignatureMentionsAnInternalType() {
    List<Class<?>> api = apiTypes();
    assertThat(api)
        .as("the import sees the API")
        .contains(io.paxos.core.runtime.PaxosNode.class, io.paxos.core.runtime.NodeStatus.class);
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : api) {
      if (!SPI_TYPES.contains(type.getName())) {
        leaks.addAll(leaks(type));
      }
    }
    assertThat(leaks).as("internal types in API signatures").isEmpty();
  }

  @Test
  void everyTypeAllowedToCarryProtocolTypesIsAnApiTypeThatDoes() {
    // An entry for a type that no longer exists, or no longer needs it, widens the list silently.
    Set<String> names = new TreeSet<>();
    for (Class<?> type : apiTypes()) {
      names.add(type.getName());
      if (SPI_TYPES.contains(type.getName())) {
        assertThat(leaks(type)).as(type.getName()).isNotEmpty();
      }
    }
    assertThat(names).containsAll(SPI_TYPES);
  }

  /** The check itself: each place a type can hide in a signature is found. */
  @Test
  void theCheckFindsAnInternalTypeWhereverItHides() {
    assertThat(leaks(Clean.class)).isEmpty();
    assertThat(leaks(Leaky.class))
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
    assertThat(leaks(LeakySupertype.class))
        .containsExactly("LeakySupertype (supertype): io.paxos.core.protocol.Ballot");
  }

  /** Public types of paxos-core's API packages (target/classes): public, as are their outers. */
  static List<Class<?>> apiTypes() {
    List<Class<?>> types = new ArrayList<>();
    for (JavaClass c :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.paxos.core")) {
      if (!internal(c.getPackageName()) && !c.isAnonymousClass() && !c.isLocalClass()) {
        Class<?> type = c.reflect();
        if (visible(type)) {
          types.add(type);
        }
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    return types;
  }

  /** Whether {@code type} is public or protected, and so is every type it is nested in. */
  private static boolean visible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!visible(c.getModifiers())) {
        return false;
      }
    }
    return !type.isSynthetic();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  static boolean internal(String packageName) {
    for (String p : ApiSurfaceTest.CORE_INTERNAL) {
      if (packageName.equals(p) || packageName.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  /** Each visible member of {@code type} that mentions an internal type, and the type it names. */
  static List<String> leaks(Class<?> type) {
    List<String> found = new ArrayList<>();
    String name = type.getSimpleName();
    List<Type> own = new ArrayList<>();
    if (type.getGenericSuperclass() != null) {
      own.add(type.getGenericSuperclass());
    }
    own.addAll(List.of(type.getGenericInterfaces()));
    own.addAll(List.of(type.getTypeParameters()));
    report(found, name + " (supertype)", own);
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        report(found, name + "#" + f.getName() + " (field)", List.of(f.getGenericType()));
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c.getModifiers()) && !c.isSynthetic()) {
        report(found, name + signature(c), mentioned(c));
      }
    }
    Set<Method> methods = new HashSet<>(List.of(type.getMethods())); // public, also inherited
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isProtected(m.getModifiers())) {
        methods.add(m);
      }
    }
    for (Method m : methods) {
      if (!m.isSynthetic() && !m.isBridge() && m.getDeclaringClass() != Object.class) {
        List<Type> types = mentioned(m);
        types.add(m.getGenericReturnType());
        report(found, name + "#" + m.getName() + signature(m), types);
      }
    }
    return found;
  }

  private static String signature(Executable e) {
    StringBuilder s = new StringBuilder("(");
    for (Class<?> p : e.getParameterTypes()) {
      s.append(s.length() > 1 ? ", " : "").append(p.getSimpleName());
    }
    return s.append(")").toString();
  }

  private static List<Type> mentioned(Executable e) {
    List<Type> types = new ArrayList<>();
    types.addAll(List.of(e.getGenericParameterTypes()));
    types.addAll(List.of(e.getGenericExceptionTypes()));
    types.addAll(List.of(e.getTypeParameters()));
    return types;
  }

  private static void report(List<String> found, String where, List<Type> types) {
    Set<String> internalTypes = new TreeSet<>();
    Set<Type> seen = new HashSet<>();
    for (Type t : types) {
      collect(t, internalTypes, seen);
    }
    for (String t : internalTypes) {
      found.add(where + ": " + t);
    }
  }

  /** Every class {@code type} names, through arrays, generic arguments, wildcards and bounds. */
  private static void collect(Type type, Set<String> internalTypes, Set<Type> seen) {
    if (!seen.add(type)) {
      return; // a type variable bounded by itself, as in <T extends Comparable<T>>
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive() && internal(c.getPackageName())) {
        internalTypes.add(c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), internalTypes, seen);
      for (Type argument : p.getActualTypeArguments()) {
        collect(argument, internalTypes, seen);
      }
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collect(bound, internalTypes, seen);
      }
      for (Type bound : w.getLowerBounds()) {
        collect(bound, internalTypes, seen);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collect(bound, internalTypes, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), internalTypes, seen);
    }
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
