package io.paxos.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * What a public repository needs of the artifacts is in the build: the Apache-2.0 licence text at
 * the root, the metadata every published pom must carry (description, address, licence, developers,
 * source control), a sources jar for every module, and an {@code Automatic-Module-Name} for every
 * module's main jar. The modules stay the four of the layout: no bill-of-materials module is added;
 * the {@code dependencyManagement} snippet in docs/embedding.md does its job.
 */
class PublishingTest {
  private static final Path ROOT = Path.of("..");

  private static Document pom(String module) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
  }

  private static String text(Document pom, String path) throws Exception {
    XPath xpath = XPathFactory.newInstance().newXPath();
    return ((String) xpath.evaluate(path, pom, XPathConstants.STRING)).strip();
  }

  private static List<String> texts(Document pom, String path) throws Exception {
    XPath xpath = XPathFactory.newInstance().newXPath();
    NodeList nodes = (NodeList) xpath.evaluate(path, pom, XPathConstants.NODESET);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().strip());
    }
    return out;
  }

  @Test
  void theRootHoldsTheApacheLicenceText() throws Exception {
    String licence = Files.readString(ROOT.resolve("LICENSE"));
    assertThat(licence)
        .contains("Apache License", "Version 2.0, January 2004")
        .contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION")
        .contains("END OF TERMS AND CONDITIONS")
        .contains("APPENDIX: How to apply the Apache License to your work.");
    assertThat(licence.lines().count()).isGreaterThan(190);
  }

  @Test
  void theParentCarriesTheMetadataEveryPublishedPomNeeds() throws Exception {
    Document parent = pom(".");
    assertThat(text(parent, "/project/description")).isNotEmpty();
    assertThat(text(parent, "/project/url")).startsWith("https://");
    assertThat(texts(parent, "/project/licenses/license/name")).containsExactly("Apache-2.0");
    assertThat(text(parent, "/project/licenses/license/url"))
        .isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
    assertThat(texts(parent, "/project/developers/developer/name")).isNotEmpty();
    assertThat(text(parent, "/project/scm/url")).isEqualTo(text(parent, "/project/url"));
    assertThat(text(parent, "/project/scm/connection")).startsWith("scm:git:");
    assertThat(text(parent, "/project/scm/developerConnection")).startsWith("scm:git:");
    // Modules inherit the addresses as they are, without their own name appended.
    assertThat(text(parent, "/project/@child.project.url.inherit.append.path")).isEqualTo("false");
    assertThat(text(parent, "/project/scm/@child.scm.url.inherit.append.path")).isEqualTo("false");
    assertThat(text(parent, "/project/scm/@child.scm.connection.inherit.append.path"))
        .isEqualTo("false");
  }

  @Test
  void theModulesAreTheFourOfTheLayoutAndNoBom() throws Exception {
    assertThat(texts(pom("."), "/project/modules/module"))
        .containsExactly("paxos-core", "paxos-grpc", "paxos-examples", "benchmarks");
  }

  @Test
  void everyModulesMainJarGetsItsModuleNameAndASourcesJar() throws Exception {
    Document parent = pom(".");
    String jarPlugin =
        "/project/build/pluginManagement/plugins/plugin[artifactId='maven-jar-plugin']";
    assertThat(
            text(
                parent,
                jarPlugin
                    + "/executions/execution[id='default-jar']"
                    + "/configuration/archive/manifestEntries/Automatic-Module-Name"))
        .isEqualTo("${automatic.module.name}");
    assertThat(
            texts(
                parent,
                "/project/build/plugins/plugin[artifactId='maven-source-plugin']"
                    + "/executions/execution/goals/goal"))
        .containsExactly("jar-no-fork");
    assertThat(
            texts(
                parent,
                "/project/profiles/profile[id='release']/build/plugins"
                    + "/plugin[artifactId='maven-javadoc-plugin']/executions/execution/goals/goal"))
        .containsExactly("jar");
  }

  @ParameterizedTest
  @CsvSource({
    "paxos-core, io.paxos.core",
    "paxos-grpc, io.paxos.grpc",
    "paxos-examples, io.paxos.examples",
    "benchmarks, io.paxos.benchmarks"
  })
  void eachModuleNamesItselfAfterItsPackageAndDescribesItself(String module, String name)
      throws Exception {
    Document pom = pom(module);
    assertThat(text(pom, "/project/properties/automatic.module.name")).isEqualTo(name);
    assertThat(text(pom, "/project/description")).isNotEmpty();
    assertThat(ROOT.resolve(module).resolve("src/main/java").resolve(name.replace('.', '/')))
        .isDirectory();
  }
}
