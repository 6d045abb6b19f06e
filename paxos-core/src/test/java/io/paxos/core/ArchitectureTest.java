package io.paxos.core;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layering of docs/architecture.md ("Layers inside paxos-core", "Conventions the build
 * enforces") as tests: the protocol and its configuration stay deterministic (no threads, clocks,
 * I/O, logging, Guava or protobuf), dependencies point one way, and paxos-core embeds anywhere.
 *
 * <p>Every rule is also evaluated against small deliberately bad classes, compiled from source at
 * test time into a temporary directory (never onto the class path), to show that the rule catches
 * what it claims to: a check that cannot fail proves nothing (docs/architecture.md, "A check that
 * cannot fail proves nothing").
 */
class ArchitectureTest {
  static final String PROTOCOL = "io.paxos.core.protocol..";
  static final String CONFIG = "io.paxos.core.config..";
  static final String HOST = "io.paxos.core.host..";

  /** I/O, concurrency, logging and third-party packages the deterministic core must not touch. */
  static final String[] FORBIDDEN_IN_PURE_CORE = {
    "java.util.concurrent..",
    "java.io..",
    "java.nio..",
    "java.net..",
    "org.slf4j..",
    "java.util.logging..",
    "com.google..",
    "com.google.protobuf..",
  };

  static final ArchRule PURE_CORE_USES_NO_IO_CONCURRENCY_OR_LOGGING =
      noClasses()
          .that()
          .resideInAnyPackage(PROTOCOL, CONFIG, HOST)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FORBIDDEN_IN_PURE_CORE)
          .because("the protocol is deterministic and sans-I/O: the host does I/O and threading");

  static final ArchRule PURE_CORE_USES_NO_THREADS =
      noClasses()
          .that()
          .resideInAnyPackage(PROTOCOL, CONFIG, HOST)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Thread.class)
          .because("the protocol is driven by exactly one thread that it does not own");

  static final DescribedPredicate<JavaAccess<?>> READS_SYSTEM_CLOCK =
      describe(
          "System.currentTimeMillis or System.nanoTime",
          access ->
              access.getTargetOwner().isEquivalentTo(System.class)
                  && (access.getName().equals("currentTimeMillis")
                      || access.getName().equals("nanoTime")));

  static final ArchRule PURE_CORE_READS_NO_CLOCK =
      noClasses()
          .that()
          .resideInAnyPackage(PROTOCOL, CONFIG, HOST)
          .should()
          .accessTargetWhere(READS_SYSTEM_CLOCK)
          .because("time is passed in, so the simulator can replay a run from its seed");

  static final DescribedPredicate<JavaAccess<?>> UNSEEDED_RANDOMNESS =
      describe(
          "an unseeded random source (Math.random, UUID.randomUUID, new Random(),"
              + " new SplittableRandom(), RandomGenerator.getDefault/of, SecureRandom)",
          access -> {
            JavaClass owner = access.getTargetOwner();
            String name = access.getName();
            if (owner.isEquivalentTo(Math.class) || owner.isEquivalentTo(StrictMath.class)) {
              return name.equals("random");
            } else if (owner.isEquivalentTo(UUID.class)) {
              return name.equals("randomUUID");
            } else if (owner.isEquivalentTo(Random.class)
                || owner.isEquivalentTo(SplittableRandom.class)) {
              return name.equals("<init>")
                  && access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget target
                  && target.getRawParameterTypes().isEmpty();
            } else if (owner.isEquivalentTo(RandomGenerator.class)) {
              return name.equals("getDefault") || name.equals("of");
            }
            return owner.isAssignableTo(SecureRandom.class);
          });

  static final ArchRule PURE_CORE_USES_NO_UNSEEDED_RANDOMNESS =
      noClasses()
          .that()
          .resideInAnyPackage(PROTOCOL, CONFIG, HOST)
          .should()
          .accessTargetWhere(UNSEEDED_RANDOMNESS)
          .because("randomness comes from the generator passed in, so a seed replays a run");

  static final ArchRule PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY =
      classes()
          .that()
          .resideInAPackage(PROTOCOL)
          .should()
          .onlyDependOnClassesThat(
              resideInAnyPackage(PROTOCOL, CONFIG, "java.lang..", "java.util..")
                  .and(not(resideInAnyPackage("java.util.concurrent..", "java.util.logging.."))))
          .because("dependencies point one way: runtime and simulator -> protocol -> config");

  static final ArchRule CONFIG_DEPENDS_ON_NOTHING_ELSE_IN_THE_LIBRARY =
      noClasses()
          .that()
          .resideInAPackage(CONFIG)
          .should()
          .dependOnClassesThat(resideInAPackage("io.paxos..").and(not(resideInAPackage(CONFIG))))
          .because("configuration is the bottom layer");

  static final ArchRule CORE_USES_NO_GUAVA_OR_PROTOBUF =
      noClasses()
          .that()
          .resideInAPackage("io.paxos.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.google.common..", "com.google.thirdparty..", "com.google.protobuf..")
          .because(
              "paxos-core depends on the JDK and slf4j-api only, so it embeds without shading");

  static final ArchRule SIMULATOR_DOES_NOT_USE_RUNTIME_OR_TRANSPORT =
      noClasses()
          .that()
          .resideInAPackage("io.paxos.core.sim..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.paxos.core.runtime..", "io.paxos.core.transport..")
          .allowEmptyShould(true)
          .because("the simulator drives the protocol cores directly, on a simulated network");

  static final String PEER_MESSAGE = "io.paxos.core.protocol.PeerMessage";

  static final DescribedPredicate<JavaClass> EXTEND_PEER_MESSAGE_DIRECTLY =
      describe(
          "extend " + PEER_MESSAGE + " directly",
          c -> c.getRawInterfaces().stream().anyMatch(i -> i.getName().equals(PEER_MESSAGE)));

  static final ArchRule PEER_MESSAGES_ARE_PROTOCOL_OR_HOST_MESSAGES =
      classes()
          .that(EXTEND_PEER_MESSAGE_DIRECTLY)
          .should()
          .haveFullyQualifiedName("io.paxos.core.protocol.Message")
          .orShould()
          .haveFullyQualifiedName("io.paxos.core.host.HostMessage")
          .allowEmptyShould(true)
          .because(
              "a message from a peer is a protocol Message or a HostMessage, both sealed; every"
                  + " host tells the two apart, and PeerMessage cannot be sealed across packages");

  static final List<ArchRule> ALL_RULES =
      List.of(
          PURE_CORE_USES_NO_IO_CONCURRENCY_OR_LOGGING,
          PURE_CORE_USES_NO_THREADS,
          PURE_CORE_READS_NO_CLOCK,
          PURE_CORE_USES_NO_UNSEEDED_RANDOMNESS,
          PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY,
          CONFIG_DEPENDS_ON_NOTHING_ELSE_IN_THE_LIBRARY,
          CORE_USES_NO_GUAVA_OR_PROTOBUF,
          SIMULATOR_DOES_NOT_USE_RUNTIME_OR_TRANSPORT,
          PEER_MESSAGES_ARE_PROTOCOL_OR_HOST_MESSAGES);

  /** The production classes of paxos-core (target/classes), without tests or jars. */
  static JavaClasses core;

  @BeforeAll
  static void importProductionClasses() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.paxos.core");
  }

  @Test
  void importSeesTheProductionClassesAndNoTests() {
    assertThat(core.contain(io.paxos.core.protocol.ProtocolNode.class)).isTrue();
    assertThat(core.contain(io.paxos.core.config.ClusterConfig.class)).isTrue();
    assertThat(core.contain(ArchitectureTest.class)).isFalse();
  }

  @Test
  void pureCoreUsesNoIoConcurrencyOrLogging() {
    PURE_CORE_USES_NO_IO_CONCURRENCY_OR_LOGGING.check(core);
  }

  @Test
  void pureCoreUsesNoThreads() {
    PURE_CORE_USES_NO_THREADS.check(core);
  }

  @Test
  void pureCoreReadsNoClock() {
    PURE_CORE_READS_NO_CLOCK.check(core);
  }

  @Test
  void pureCoreUsesNoUnseededRandomness() {
    PURE_CORE_USES_NO_UNSEEDED_RANDOMNESS.check(core);
  }

  @Test
  void protocolDependsOnConfigAndJdkBasicsOnly() {
    PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY.check(core);
  }

  @Test
  void configDependsOnNothingElseInTheLibrary() {
    CONFIG_DEPENDS_ON_NOTHING_ELSE_IN_THE_LIBRARY.check(core);
  }

  @Test
  void coreUsesNoGuavaOrProtobuf() {
    CORE_USES_NO_GUAVA_OR_PROTOBUF.check(core);
  }

  @Test
  void simulatorDoesNotUseRuntimeOrTransport() {
    SIMULATOR_DOES_NOT_USE_RUNTIME_OR_TRANSPORT.check(core);
  }

  @Test
  void peerMessagesAreProtocolOrHostMessages() {
    assertThat(core.contain(io.paxos.core.host.HostMessage.class)).isTrue();
    PEER_MESSAGES_ARE_PROTOCOL_OR_HOST_MESSAGES.check(core);
  }

  /**
   * Each rule against classes that break it. The fixtures live in the packages the rules guard, but
   * only in a temporary directory, so the production import above never sees them.
   */
  @Nested
  class RulesCatchViolations {
    private static final String FIXTURE = "io.paxos.core.protocol.archfixture.";

    @TempDir static Path classesDir;
    private static JavaClasses fixtures;

    @BeforeAll
    static void compileFixtures() throws IOException {
      List<JavaFileObject> sources = new ArrayList<>();
      // Stand-ins for libraries that are not on paxos-core's class path (the rules match by name).
      sources.add(source("org.slf4j.Logger", "public interface Logger {}"));
      sources.add(
          source("com.google.common.base.Preconditions", "public final class Preconditions {}"));
      sources.add(source("com.google.protobuf.ByteString", "public final class ByteString {}"));
      sources.add(source("io.paxos.core.runtime.Node", "public final class Node {}"));
      sources.add(source("io.paxos.core.transport.Wire", "public interface Wire {}"));
      sources.add(source("io.paxos.core.storage.Disk", "public interface Disk {}"));
      sources.add(source(PEER_MESSAGE, "public interface X { int from(); }"));
      sources.add(
          source(
              "io.paxos.core.transport.archfixture.ThirdKind",
              "public final class X implements "
                  + PEER_MESSAGE
                  + " { public int from() { return 1; } }"));
      for (String type : FORBIDDEN_TYPES) {
        sources.add(source(FIXTURE + usesName(type), "public class X { " + type + " field; }"));
      }
      sources.add(
          source(
              FIXTURE + "StartsThread", "public class X { void run() { new Thread().start(); } }"));
      // A protocol class that pauses its thread; its source is a resource, not code of this test.
      sources.add(source(FIXTURE + "Sleeps", resource("/archfixture/Sleeps.java.txt")));
      sources.add(
          source(
              FIXTURE + "ReadsWallClock",
              "public class X { long now() { return System.currentTimeMillis(); } }"));
      sources.add(
          source(
              FIXTURE + "ReadsNanoTime",
              "public class X { long now() { return System.nanoTime(); } }"));
      sources.add(
          source(
              FIXTURE + "ReferencesNanoTime",
              "public class X { java.util.function.LongSupplier clock = System::nanoTime; }"));
      for (String[] random :
          List.of(
              new String[] {"MathRandom", "double r() { return Math.random(); }"},
              new String[] {"RandomUuid", "Object r() { return java.util.UUID.randomUUID(); }"},
              new String[] {"UnseededRandom", "Object r() { return new java.util.Random(); }"},
              new String[] {
                "UnseededSplittable", "Object r() { return new java.util.SplittableRandom(); }"
              },
              new String[] {
                "DefaultGenerator",
                "Object r() { return java.util.random.RandomGenerator.getDefault(); }"
              },
              new String[] {
                "SecureRandomness", "Object r() { return new java.security.SecureRandom(); }"
              })) {
        sources.add(source(FIXTURE + random[0], "public class X { " + random[1] + " }"));
      }
      sources.add(
          source(
              FIXTURE + "SeededRandom",
              "public class X { Object r() { return new java.util.SplittableRandom(42); } }"));
      sources.add(
          source(FIXTURE + "UsesJavaTime", "public class X { java.time.Duration timeout; }"));
      sources.add(
          source(FIXTURE + "UsesStorage", "public class X { io.paxos.core.storage.Disk disk; }"));
      sources.add(
          source(
              "io.paxos.core.config.archfixture.UsesProtocol",
              "public class X { io.paxos.core.protocol.archfixture.Clean protocol; }"));
      sources.add(
          source(
              "io.paxos.core.sim.archfixture.UsesRuntime",
              "public class X { io.paxos.core.runtime.Node node; }"));
      sources.add(
          source(
              "io.paxos.core.sim.archfixture.UsesTransport",
              "public class X { io.paxos.core.transport.Wire wire; }"));
      sources.add(
          source(
              "io.paxos.core.storage.archfixture.UsesGuava",
              "public class X { com.google.common.base.Preconditions p; }"));
      // What protocol code normally looks like: records, lambdas, collections, random generators.
      sources.add(
          source(
              FIXTURE + "Clean",
              "public class X {\n"
                  + "  record Vote(long slot, int from) {}\n"
                  + "  private final java.util.List<Vote> votes = new java.util.ArrayList<>();\n"
                  + "  private final java.util.TreeMap<Long, String> slots = new java.util.TreeMap<>();\n"
                  + "  long first(java.util.random.RandomGenerator random, long now) {\n"
                  + "    votes.add(new Vote(random.nextLong(), 1));\n"
                  + "    slots.put(now, String.valueOf(votes.size()));\n"
                  + "    return votes.stream().mapToLong(Vote::slot).min().orElse(now);\n"
                  + "  }\n"
                  + "}"));
      compile(sources, classesDir);
      fixtures = new ClassFileImporter().importPath(classesDir);
    }

    @Test
    void cleanProtocolCodePassesEveryRule() {
      JavaClasses clean = only(FIXTURE + "Clean");
      for (ArchRule rule : ALL_RULES) {
        assertThat(rule.allowEmptyShould(true).evaluate(clean).hasViolation())
            .as(rule.getDescription())
            .isFalse();
      }
    }

    @ParameterizedTest
    @MethodSource("io.paxos.core.ArchitectureTest#forbiddenTypes")
    void forbiddenPackagesAreCaught(String type) {
      String reported = type.replaceAll("<.*>", "");
      JavaClasses bad = only(FIXTURE + usesName(type));
      assertViolation(PURE_CORE_USES_NO_IO_CONCURRENCY_OR_LOGGING, bad, reported);
      assertViolation(PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY, bad, reported);
    }

    @Test
    void threadsAreCaught() {
      assertViolation(
          PURE_CORE_USES_NO_THREADS, only(FIXTURE + "StartsThread"), "java.lang.Thread");
      assertViolation(PURE_CORE_USES_NO_THREADS, only(FIXTURE + "Sleeps"), "Thread.sleep");
    }

    @Test
    void clockReadsAreCaught() {
      assertViolation(
          PURE_CORE_READS_NO_CLOCK, only(FIXTURE + "ReadsWallClock"), "System.currentTimeMillis");
      assertViolation(PURE_CORE_READS_NO_CLOCK, only(FIXTURE + "ReadsNanoTime"), "System.nanoTime");
      assertViolation(
          PURE_CORE_READS_NO_CLOCK, only(FIXTURE + "ReferencesNanoTime"), "System.nanoTime");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "MathRandom",
          "RandomUuid",
          "UnseededRandom",
          "UnseededSplittable",
          "DefaultGenerator",
          "SecureRandomness"
        })
    void unseededRandomnessIsCaught(String fixture) {
      JavaClasses bad = only(FIXTURE + fixture);
      assertThat(PURE_CORE_USES_NO_UNSEEDED_RANDOMNESS.evaluate(bad).hasViolation()).isTrue();
    }

    @Test
    void seededRandomnessIsAllowed() {
      assertThat(
              PURE_CORE_USES_NO_UNSEEDED_RANDOMNESS
                  .evaluate(only(FIXTURE + "SeededRandom"))
                  .hasViolation())
          .isFalse();
    }

    @Test
    void protocolDependingOnAnythingButConfigAndJdkBasicsIsCaught() {
      assertViolation(
          PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY,
          only(FIXTURE + "UsesJavaTime"),
          "java.time.Duration");
      assertViolation(
          PROTOCOL_DEPENDS_ON_CONFIG_AND_JDK_BASICS_ONLY,
          only(FIXTURE + "UsesStorage"),
          "io.paxos.core.storage.Disk");
    }

    @Test
    void configDependingOnTheLibraryIsCaught() {
      assertViolation(
          CONFIG_DEPENDS_ON_NOTHING_ELSE_IN_THE_LIBRARY,
          only("io.paxos.core.config.archfixture.UsesProtocol"),
          "io.paxos.core.protocol.archfixture.Clean");
    }

    @Test
    void guavaAndProtobufAnywhereInCoreAreCaught() {
      assertViolation(
          CORE_USES_NO_GUAVA_OR_PROTOBUF,
          only("io.paxos.core.storage.archfixture.UsesGuava"),
          "com.google.common.base.Preconditions");
      assertViolation(
          CORE_USES_NO_GUAVA_OR_PROTOBUF,
          only(FIXTURE + usesName("com.google.protobuf.ByteString")),
          "com.google.protobuf.ByteString");
    }

    @Test
    void simulatorUsingRuntimeOrTransportIsCaught() {
      assertViolation(
          SIMULATOR_DOES_NOT_USE_RUNTIME_OR_TRANSPORT,
          only("io.paxos.core.sim.archfixture.UsesRuntime"),
          "io.paxos.core.runtime.Node");
      assertViolation(
          SIMULATOR_DOES_NOT_USE_RUNTIME_OR_TRANSPORT,
          only("io.paxos.core.sim.archfixture.UsesTransport"),
          "io.paxos.core.transport.Wire");
    }

    @Test
    void aThirdKindOfPeerMessageIsCaught() {
      assertViolation(
          PEER_MESSAGES_ARE_PROTOCOL_OR_HOST_MESSAGES,
          only("io.paxos.core.transport.archfixture.ThirdKind"),
          "ThirdKind");
    }

    private static JavaClasses only(String className) {
      assertThat(fixtures.contain(className)).as("fixture %s compiled", className).isTrue();
      return fixtures.that(
          describe(
              className + " and its nested classes",
              (JavaClass c) ->
                  c.getName().equals(className) || c.getName().startsWith(className + "$")));
    }

    private static void assertViolation(ArchRule rule, JavaClasses classes, String mentioned) {
      EvaluationResult result = rule.evaluate(classes);
      assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
      assertThat(result.getFailureReport().getDetails()).anyMatch(d -> d.contains(mentioned));
    }
  }

  /** One type from each forbidden package, used as a field type by a fixture. */
  static final List<String> FORBIDDEN_TYPES =
      List.of(
          "java.util.concurrent.ConcurrentLinkedQueue<String>",
          "java.util.concurrent.atomic.AtomicLong",
          "java.io.File",
          "java.nio.ByteBuffer",
          "java.net.URI",
          "org.slf4j.Logger",
          "java.util.logging.Logger",
          "com.google.common.base.Preconditions",
          "com.google.protobuf.ByteString");

  static List<String> forbiddenTypes() {
    return FORBIDDEN_TYPES;
  }

  /** {@code Uses_java_util_List} for {@code java.util.List<...>}. */
  static String usesName(String type) {
    String raw = type.replaceAll("<.*>", "");
    return "Uses_" + raw.replace('.', '_');
  }

  /** A compilation unit for class {@code fqcn}; {@code X} in {@code body} is its simple name. */
  static JavaFileObject source(String fqcn, String body) {
    int dot = fqcn.lastIndexOf('.');
    String simpleName = fqcn.substring(dot + 1);
    String code =
        "package "
            + fqcn.substring(0, dot)
            + ";\n"
            + body.replaceFirst("(class|interface) X\\b", "$1 " + simpleName)
            + "\n";
    URI uri = URI.create("string:///" + fqcn.replace('.', '/') + ".java");
    return new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }

  /** The text of a test resource. */
  static String resource(String name) throws IOException {
    try (var in = ArchitectureTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void compile(List<JavaFileObject> sources, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK (not a JRE) runs the tests").isNotNull();
    Files.createDirectories(out);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of("--release", "17", "-proc:none", "-d", out.toString());
      boolean ok = javac.getTask(null, files, diagnostics, options, null, sources).call();
      assertThat(ok)
          .as(
              "fixtures compile: %s",
              diagnostics.getDiagnostics().stream()
                  .map(d -> d.getMessage(Locale.ROOT))
                  .collect(Collectors.joining("; ")))
          .isTrue();
    }
  }
}
