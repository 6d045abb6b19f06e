package io.paxos.examples.server;

import java.util.Locale;

/** Where a setting's value came from, lowest precedence first. */
public enum Source {
  DEFAULT,
  FILE,
  ENV,
  FLAG;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
