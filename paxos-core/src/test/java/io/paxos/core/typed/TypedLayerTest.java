package io.paxos.core.typed;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The typed layer is optional and sits on top: it uses the byte API, and nothing else in the
 * library uses it, so an application that never touches it runs exactly the byte code paths.
 */
class TypedLayerTest {
  static final ArchRule NOTHING_BELOW_USES_THE_TYPED_LAYER =
      noClasses()
          .that()
          .resideInAPackage("io.paxos.core..")
          .and()
          .resideOutsideOfPackage("io.paxos.core.typed..")
          .and()
          // The state machine simulation for users sits above both APIs, as users' code does.
          .resideOutsideOfPackage("io.paxos.core.testing..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.paxos.core.typed..")
          .because("typed commands are an optional layer over the byte API");

  @Test
  void nothingBelowUsesTheTypedLayer() {
    JavaClasses core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.paxos.core");
    NOTHING_BELOW_USES_THE_TYPED_LAYER.check(core);
  }

  @Test
  void theRuleCatchesAClassOutsideTheLayerThatUsesIt() {
    // The README's typed counter lives in io.paxos.core.readme and implements TypedStateMachine.
    JavaClasses user =
        new ClassFileImporter().importClasses(io.paxos.core.readme.TypedCounter.class);
    assertThat(NOTHING_BELOW_USES_THE_TYPED_LAYER.evaluate(user).hasViolation()).isTrue();
  }
}
