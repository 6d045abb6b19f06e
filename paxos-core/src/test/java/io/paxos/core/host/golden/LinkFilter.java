package io.paxos.core.host.golden;

/**
 * Which messages in flight a {@code deliver} or {@code drop} takes: {@code FROM->TO}, where either
 * side may be {@code *} (any node); no argument means every message.
 */
record LinkFilter(int from, int to) {
  static final int ANY = 0;
  static final LinkFilter ALL = new LinkFilter(ANY, ANY);

  static LinkFilter parse(String text) {
    int arrow = text.indexOf("->");
    if (arrow < 0) {
      throw new ScriptException("expected FROM->TO (a node id or *), got '" + text + "'");
    }
    return new LinkFilter(
        side(text.substring(0, arrow), text), side(text.substring(arrow + 2), text));
  }

  private static int side(String s, String text) {
    if (s.equals("*")) {
      return ANY;
    }
    try {
      int id = Integer.parseInt(s);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ScriptException("expected FROM->TO (a node id or *), got '" + text + "'");
  }

  boolean matches(int from, int to) {
    return (this.from == ANY || this.from == from) && (this.to == ANY || this.to == to);
  }

  @Override
  public String toString() {
    return (from == ANY ? "*" : Integer.toString(from))
        + "->"
        + (to == ANY ? "*" : Integer.toString(to));
  }
}
