package io.paxos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for the nodes' data, deleted with everything in it on {@link #close()}, or
 * when the JVM exits (also on Ctrl-C) if it was not closed before.
 */
final class ScratchDirectory implements AutoCloseable {
  private final Path root;
  private final Thread atExit;

  ScratchDirectory(String prefix) {
    try {
      root = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
    }
    atExit = new Thread(this::delete, "delete-" + root.getFileName());
    Runtime.getRuntime().addShutdownHook(atExit);
  }

  Path root() {
    return root;
  }

  /** A new, empty subdirectory {@code name}. */
  Path newDirectory(String name) {
    try {
      return Files.createDirectory(root.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + root.resolve(name), e);
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook deletes the directory
      return;
    }
    delete();
  }

  private void delete() {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
