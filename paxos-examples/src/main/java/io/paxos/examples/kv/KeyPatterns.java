package io.paxos.examples.kv;

import java.util.List;
import java.util.Objects;

/**
 * Key patterns of a watch: a key matches if any pattern does. A pattern is a glob in which {@code
 * *} stands for any run of characters (also none) and every other character for itself: {@code
 * user*} (a prefix), {@code *:cart} (a suffix), {@code user*cart}, {@code exact}, {@code *} (every
 * key). There is no escape: a key containing {@code *} is matched by a {@code *} in the pattern.
 */
public final class KeyPatterns {
  /** The most patterns of one watch. */
  public static final int MAX_PATTERNS = 64;

  private final List<String> patterns;

  private KeyPatterns(List<String> patterns) {
    this.patterns = patterns;
  }

  /**
   * @throws IllegalArgumentException if there are none or more than {@value #MAX_PATTERNS}, or one
   *     is empty or longer than a key may be
   */
  public static KeyPatterns of(List<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("give at least one key pattern, e.g. \"user*\" or \"*\"");
    }
    if (patterns.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException(
          patterns.size() + " patterns; a watch takes at most " + MAX_PATTERNS);
    }
    for (String p : patterns) {
      if (p == null || p.isEmpty()) {
        throw new IllegalArgumentException("a key pattern is empty; use \"*\" for every key");
      }
      if (p.length() > KvCommand.MAX_KEY_BYTES) {
        throw new IllegalArgumentException(
            "a key pattern is longer than a key may be (" + KvCommand.MAX_KEY_BYTES + ")");
      }
    }
    return new KeyPatterns(List.copyOf(patterns));
  }

  public List<String> patterns() {
    return patterns;
  }

  public boolean matches(String key) {
    for (String p : patterns) {
      if (glob(p, key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code key} matches {@code pattern}: greedy matching with backtracking to the last *.
   */
  static boolean glob(String pattern, String key) {
    int p = 0;
    int k = 0;
    int star = -1;
    int mark = 0;
    while (k < key.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == key.charAt(k)) {
        p++;
        k++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = k;
      } else if (star >= 0) {
        p = star + 1;
        k = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
