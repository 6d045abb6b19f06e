package io.paxos.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The split between API and internal packages (docs/api-surface.md) as the build enforces it: the
 * doclint execution runs in {@code verify} and fails on a warning, each module leaves out exactly
 * its internal packages, and each internal package says so in its package-info while no API package
 * does.
 */
class ApiSurfaceTest {
  private static final Path ROOT = Path.of("..");
  private static final String MARK = "Internal: not part of the API";

  static final Set<String> CORE_INTERNAL =
      Set.of("io.paxos.core.protocol", "io.paxos.core.sim", "io.paxos.core.host");
  private static final Set<String> GRPC_INTERNAL = Set.of("io.paxos.grpc.proto");

  private static Document pom(String module) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(ROOT.resolve(module).resolve("pom.xml").toFile());
  }

  private static List<String> texts(Document pom, String path) throws Exception {
    NodeList nodes =
        (NodeList)
            XPathFactory.newInstance().newXPath().evaluate(path, pom, XPathConstants.NODESET);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().trim());
    }
    return out;
  }

  @Test
  void doclintRunsInVerifyAndFailsOnAnyWarning() throws Exception {
    Document parent = pom(".");
    String execution =
        "/project/build/pluginManagement/plugins/plugin[artifactId='maven-javadoc-plugin']"
            + "/executions/execution[id='doclint']";
    assertThat(texts(parent, execution + "/phase")).containsExactly("verify");
    assertThat(texts(parent, execution + "/goals/goal")).containsExactly("javadoc-no-fork");
    assertThat(texts(parent, execution + "/configuration/doclint")).containsExactly("all");
    assertThat(texts(parent, execution + "/configuration/failOnWarnings")).containsExactly("true");
    // A record of the last run per build: the plugin's up-to-date check ignores edited sources.
    assertThat(texts(parent, execution + "/configuration/staleDataPath"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("${session.request.startTime.time}");
    String offline =
        "/project/build/pluginManagement/plugins/plugin[artifactId='maven-javadoc-plugin']"
            + "/configuration/detectJavaApiLink";
    assertThat(texts(parent, offline)).containsExactly("false");
  }

  @Test
  void eachLibraryModuleRunsDoclintOnAllButItsInternalPackages() throws Exception {
    assertThat(excluded("paxos-core")).isEqualTo(CORE_INTERNAL);
    assertThat(excluded("paxos-grpc")).isEqualTo(GRPC_INTERNAL);
  }

  @Test
  void doclintIsOnInTheLibraryModulesOnly() throws Exception {
    assertThat(texts(pom("."), "/project/properties/doclint.skip")).containsExactly("true");
    assertThat(
            texts(
                pom("."),
                "/project/build/pluginManagement/plugins/plugin[artifactId='maven-javadoc-plugin']"
                    + "/executions/execution[id='doclint']/configuration/skip"))
        .containsExactly("${doclint.skip}");
    for (String module : List.of("paxos-core", "paxos-grpc")) {
      assertThat(texts(pom(module), "/project/properties/doclint.skip"))
          .as(module)
          .containsExactly("false");
    }
  }

  private static Set<String> excluded(String module) throws Exception {
    List<String> values =
        texts(
            pom(module),
            "/project/build/plugins/plugin[artifactId='maven-javadoc-plugin']"
                + "/configuration/excludePackageNames");
    assertThat(values).hasSize(1);
    return Set.of(values.get(0).split(":"));
  }

  @Test
  void internalPackagesSaySoAndApiPackagesDoNot() throws Exception {
    List<Path> infos = new ArrayList<>();
    for (String module : List.of("paxos-core", "paxos-grpc")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        files.filter(p -> p.endsWith("package-info.java")).forEach(infos::add);
      }
    }
    assertThat(infos).hasSizeGreaterThanOrEqualTo(15);
    for (Path info : infos) {
      String text = Files.readString(info);
      String pkg =
          text.substring(
              text.indexOf("\npackage ") + 9, text.indexOf(';', text.indexOf("\npackage ")));
      boolean internal = CORE_INTERNAL.contains(pkg) || GRPC_INTERNAL.contains(pkg);
      assertThat(text.contains(MARK)).as(pkg + " marked internal").isEqualTo(internal);
    }
  }
}
