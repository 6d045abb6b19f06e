package io.paxos.peers;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of a library on the class path, read from the pom.properties Maven put in its jar.
 */
public final class ArtifactVersion {
  private ArtifactVersion() {}

  /** The version, or "unknown" if the jar carries no pom.properties. */
  public static String of(String groupId, String artifactId) {
    String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = ArtifactVersion.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
