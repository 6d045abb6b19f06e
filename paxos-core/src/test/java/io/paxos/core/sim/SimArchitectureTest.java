package io.paxos.core.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The simulator depends on the protocol layer only (never on a runtime), and stays deterministic:
 * no threads, no clock, no unseeded randomness.
 */
class SimArchitectureTest {
  private static final JavaClasses SIM =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.paxos.core.sim");

  @Test
  void dependsOnTheProtocolLayerAndTheJdkOnly() {
    classes()
        .that()
        .resideInAPackage("io.paxos.core.sim..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.paxos.core.sim..",
            "io.paxos.core.protocol..",
            "io.paxos.core.host..",
            "io.paxos.core.config..",
            "io.paxos.core.storage..",
            "io.paxos.core",
            "java..")
        .check(SIM);
  }

  @Test
  void usesNoThreadsClocksOrUnseededRandomness() {
    noClasses()
        .that()
        .resideInAPackage("io.paxos.core.sim..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent..", "java.time..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(Thread.class.getName())
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(java.util.Random.class.getName())
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(Math.class, "random")
        .check(SIM);
  }
}
