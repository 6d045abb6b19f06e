package io.paxos.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's sources and docs cite only what the repository itself holds: no notes kept
 * beside it (a user who clones or downloads the project never gets those), every {@code
 * docs/<name>.md} that a file names exists, and every pitfall cited as {@code docs/pitfalls.md #N}
 * is an entry of that file.
 *
 * <p>Scanned: Java files under a {@code src} folder, every Markdown file (README.md and docs/),
 * every {@code .proto} schema and every {@code pom.xml}; build output ({@code target/}) and hidden
 * folders are not. Each check also runs against a small planted tree, because a check that cannot
 * fail proves nothing (docs/architecture.md, "Testing layers").
 */
class RepositoryReferencesTest {
  private static final Path ROOT = Path.of("..");

  /**
   * Names of notes that live outside the repository, split so that this file does not cite them.
   */
  static final List<String> OUTSIDE_NOTES =
      List.of(
          ".." + "/shared",
          "PITFALLS" + ".md",
          "DESIGN" + ".md",
          "CONVENTIONS" + ".md",
          "PITFALLS" + " #",
          "CONVENTIONS" + " #");

  /** docs/pitfalls.md, spelled so that the planted trees below do not cite docs from this file. */
  static final String PITFALLS = doc("pitfalls");

  static final Pattern DOC_PATH = Pattern.compile("docs/[A-Za-z0-9_.-]+\\.md");
  static final Pattern PITFALL_CITATION =
      Pattern.compile("docs/pitfalls\\.md((?:(?:,| and)? #\\d+)+)");
  static final Pattern PITFALL_NUMBER = Pattern.compile("#(\\d+)");
  static final Pattern PITFALL_HEADING =
      Pattern.compile("^#{2,4} (\\d+)\\. \\S", Pattern.MULTILINE);

  @Test
  void theScanSeesEveryKindOfFile() throws IOException {
    List<String> scanned =
        scannedFiles(ROOT).stream().map(p -> slashes(ROOT.relativize(p))).toList();
    assertThat(scanned)
        .contains(
            "README.md",
            "docs/pitfalls.md",
            "docs/architecture.md",
            "pom.xml",
            "paxos-core/pom.xml",
            "paxos-grpc/src/main/proto/paxos.proto",
            "paxos-core/src/test/java/io/paxos/core/ArchitectureTest.java",
            "paxos-core/src/main/java/io/paxos/core/storage/FileStorage.java")
        .noneMatch(p -> p.contains("/target/") || p.startsWith("target/"));
  }

  @Test
  void nothingCitesNotesOutsideTheRepository() throws IOException {
    assertThat(outsideNotes(ROOT)).isEmpty();
  }

  @Test
  void everyCitedDocExists() throws IOException {
    assertThat(missingDocs(ROOT)).isEmpty();
  }

  /** Entries keep their numbers (code cites them) and new ones go at the end: 1..n, n >= 21. */
  @Test
  void pitfallsAreNumberedOneToNInOrder() throws IOException {
    List<Integer> numbers = pitfallNumbers(ROOT);
    assertThat(numbers).hasSizeGreaterThanOrEqualTo(21);
    assertThat(numbers).isEqualTo(IntStream.rangeClosed(1, numbers.size()).boxed().toList());
  }

  @Test
  void everyCitedPitfallIsAnEntry() throws IOException {
    assertThat(unknownPitfalls(ROOT)).isEmpty();
  }

  /** Each check against a planted tree that breaks it, and a clean tree that does not. */
  @Nested
  class ChecksCatchViolations {
    @TempDir Path root;

    private void write(String relative, String text) throws IOException {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    }

    private void cleanTree() throws IOException {
      write("README.md", "See " + PITFALLS + " #2 and " + doc("a") + ".\n");
      write(doc("a"), "# A\n");
      write(
          PITFALLS,
          "# Pitfalls\n## Protocol\n### 1. One\ntext\n### 2. Two\n## Storage\n### 3. Three\n");
      write("m/pom.xml", "<project/>\n");
      write(
          "m/src/main/java/p/A.java", "/** See " + doc("a") + " and " + PITFALLS + " #1, #3. */\n");
      write("m/src/main/proto/x.proto", "// fine\n");
    }

    @Test
    void aCleanTreePasses() throws IOException {
      cleanTree();
      assertThat(scannedFiles(root)).hasSize(6);
      assertThat(outsideNotes(root)).isEmpty();
      assertThat(missingDocs(root)).isEmpty();
      assertThat(unknownPitfalls(root)).isEmpty();
      assertThat(pitfallNumbers(root)).containsExactly(1, 2, 3);
    }

    @Test
    void eachOutsideNoteIsCaughtInEachKindOfFile() throws IOException {
      cleanTree();
      write("m/src/test/java/p/B.java", "// as in " + OUTSIDE_NOTES.get(0) + "/x\n");
      write("m/src/main/java/p/C.java", "class C {}\n/* " + OUTSIDE_NOTES.get(1) + " */\n");
      write(doc("b"), "x\ny " + OUTSIDE_NOTES.get(2) + "\n");
      write("m/pom.xml", "<!-- " + OUTSIDE_NOTES.get(3) + " -->\n");
      write("m/src/main/proto/x.proto", "// " + OUTSIDE_NOTES.get(4) + "4\n");
      write("README.md", "see " + OUTSIDE_NOTES.get(5) + "14\n");
      assertThat(outsideNotes(root))
          .containsExactlyInAnyOrder(
              "m/src/test/java/p/B.java:1: " + OUTSIDE_NOTES.get(0),
              "m/src/main/java/p/C.java:2: " + OUTSIDE_NOTES.get(1),
              doc("b") + ":2: " + OUTSIDE_NOTES.get(2),
              "m/pom.xml:1: " + OUTSIDE_NOTES.get(3),
              "m/src/main/proto/x.proto:1: " + OUTSIDE_NOTES.get(4),
              "README.md:1: " + OUTSIDE_NOTES.get(5));
    }

    @Test
    void buildOutputAndHiddenFoldersAreNotScanned() throws IOException {
      cleanTree();
      write("m/target/classes/src/A.java", "// " + OUTSIDE_NOTES.get(1) + "\n");
      write(".git/x/src/A.java", "// " + OUTSIDE_NOTES.get(1) + "\n");
      write("m/notes.txt", OUTSIDE_NOTES.get(1) + "\n");
      assertThat(outsideNotes(root)).isEmpty();
    }

    @Test
    void aMissingDocIsCaught() throws IOException {
      cleanTree();
      write(
          "m/src/main/java/p/D.java",
          "/**\n * See {@code " + doc("gone") + "}.\n */\nclass D {}\n");
      assertThat(missingDocs(root)).containsExactly("m/src/main/java/p/D.java:2: " + doc("gone"));
    }

    @Test
    void anUnknownPitfallIsCaught() throws IOException {
      cleanTree();
      write("m/src/main/java/p/E.java", "// " + PITFALLS + " #3, #4 and #0\n");
      write(doc("c"), PITFALLS + " #9223372036854775807\n");
      assertThat(unknownPitfalls(root))
          .containsExactlyInAnyOrder(
              "m/src/main/java/p/E.java:1: " + PITFALLS + " #4",
              "m/src/main/java/p/E.java:1: " + PITFALLS + " #0",
              doc("c") + ":1: " + PITFALLS + " #9223372036854775807");
    }

    @Test
    void aGapInThePitfallNumbersShows() throws IOException {
      cleanTree();
      write(PITFALLS, "## 1. One\n## 3. Three\n");
      assertThat(pitfallNumbers(root)).containsExactly(1, 3);
    }
  }

  /** "file:line: note" for each mention of a note kept outside the repository. */
  static List<String> outsideNotes(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : scannedFiles(root)) {
      String text = Files.readString(file);
      for (String note : OUTSIDE_NOTES) {
        for (int at = text.indexOf(note); at >= 0; at = text.indexOf(note, at + 1)) {
          found.add(where(root, file, text, at) + note);
        }
      }
    }
    return found;
  }

  /** "file:line: docs/<name>.md" for each cited doc that the repository does not hold. */
  static List<String> missingDocs(Path root) throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path file : scannedFiles(root)) {
      String text = Files.readString(file);
      Matcher m = DOC_PATH.matcher(text);
      while (m.find()) {
        if (!Files.isRegularFile(root.resolve(m.group()))) {
          missing.add(where(root, file, text, m.start()) + m.group());
        }
      }
    }
    return missing;
  }

  /** "file:line: docs/pitfalls.md #N" for each cited pitfall that is not an entry. */
  static List<String> unknownPitfalls(Path root) throws IOException {
    TreeSet<String> entries = new TreeSet<>();
    for (int n : pitfallNumbers(root)) {
      entries.add(Integer.toString(n));
    }
    List<String> unknown = new ArrayList<>();
    for (Path file : scannedFiles(root)) {
      String text = Files.readString(file);
      Matcher citation = PITFALL_CITATION.matcher(text);
      while (citation.find()) {
        Matcher number = PITFALL_NUMBER.matcher(citation.group(1));
        while (number.find()) {
          if (!entries.contains(number.group(1))) {
            unknown.add(
                where(root, file, text, citation.start()) + PITFALLS + " #" + number.group(1));
          }
        }
      }
    }
    return unknown;
  }

  /** The entry numbers of docs/pitfalls.md, in the order its headings give them. */
  static List<Integer> pitfallNumbers(Path root) throws IOException {
    String text = Files.readString(root.resolve(PITFALLS));
    List<Integer> numbers = new ArrayList<>();
    Matcher m = PITFALL_HEADING.matcher(text);
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  /** Java sources under a src folder, Markdown, protobuf schemas and poms; sorted. */
  static List<Path> scannedFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean skipped =
                !dir.equals(root)
                    && (name.equals("target")
                        || name.startsWith(".")
                        || name.equals("node_modules"));
            return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String relative = slashes(root.relativize(file));
            String name = file.getFileName().toString();
            boolean javaSource =
                name.endsWith(".java")
                    && (relative.startsWith("src/") || relative.contains("/src/"));
            if (javaSource
                || name.endsWith(".md")
                || name.endsWith(".proto")
                || name.equals("pom.xml")) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(null);
    return files;
  }

  /** The path of doc {@code name} under docs/. */
  static String doc(String name) {
    return "docs/" + name + ".md";
  }

  private static String where(Path root, Path file, String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return slashes(root.relativize(file)) + ":" + line + ": ";
  }

  private static String slashes(Path relative) {
    return relative.toString().replace('\\', '/');
  }
}
