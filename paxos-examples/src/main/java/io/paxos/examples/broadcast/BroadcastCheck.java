package io.paxos.examples.broadcast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a run of the atomic broadcast: every learner learned the same sequence ({@code learn<n>}
 * files, one integer a line), and that sequence holds every value a proposer proposed ({@code
 * prop<n>} files) exactly once, and nothing else. The first difference found is reported, naming
 * the files and lines. Stateless.
 */
public final class BroadcastCheck {
  private static final Pattern NAME = Pattern.compile("(learn|prop)([1-9][0-9]*)");

  private BroadcastCheck() {}

  /**
   * The verdict: {@code ok} and a summary, or the first difference.
   *
   * @param ok whether the run is an atomic broadcast of what was proposed
   * @param message the summary, or the first difference
   */
  public record Verdict(boolean ok, String message) {}

  /** The files in {@code dir} read and checked. */
  public static Verdict check(Path dir) throws IOException {
    Map<String, List<String>> proposed = new TreeMap<>(BroadcastCheck::byNumber);
    Map<String, List<String>> learned = new TreeMap<>(BroadcastCheck::byNumber);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p)) {
          List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
          (m.group(1).equals("learn") ? learned : proposed).put(m.group(), lines);
        }
      }
    }
    return check(proposed, learned);
  }

  /**
   * Check these files' lines.
   *
   * @param proposed each {@code prop<n>} file's lines, by name
   * @param learned each {@code learn<n>} file's lines, by name
   */
  public static Verdict check(
      Map<String, List<String>> proposed, Map<String, List<String>> learned) {
    if (learned.isEmpty()) {
      return fail("no learn<n> files: no learner learned anything");
    }
    if (proposed.isEmpty()) {
      return fail("no prop<n> files: nothing was proposed");
    }
    Map<String, List<String>> learnedSorted = new TreeMap<>(BroadcastCheck::byNumber);
    learnedSorted.putAll(learned);
    Map<String, List<String>> proposedSorted = new TreeMap<>(BroadcastCheck::byNumber);
    proposedSorted.putAll(proposed);
    Map<String, long[]> learnedValues = new TreeMap<>(BroadcastCheck::byNumber);
    Map<String, long[]> proposedValues = new TreeMap<>(BroadcastCheck::byNumber);
    for (Map<String, List<String>> files : List.of(learnedSorted, proposedSorted)) {
      for (Map.Entry<String, List<String>> f : files.entrySet()) {
        Object parsed = parse(f.getKey(), f.getValue());
        if (parsed instanceof String problem) {
          return fail(problem);
        }
        (files == learnedSorted ? learnedValues : proposedValues).put(f.getKey(), (long[]) parsed);
      }
    }

    String first = learnedValues.keySet().iterator().next();
    long[] sequence = learnedValues.get(first);
    for (Map.Entry<String, long[]> other : learnedValues.entrySet()) {
      Optional<String> difference = difference(first, sequence, other.getKey(), other.getValue());
      if (difference.isPresent()) {
        return fail(difference.get());
      }
    }

    Map<Long, Integer> lineOf = new HashMap<>();
    for (int i = 0; i < sequence.length; i++) {
      Integer earlier = lineOf.putIfAbsent(sequence[i], i + 1);
      if (earlier != null) {
        return fail(
            first
                + " lines "
                + earlier
                + " and "
                + (i + 1)
                + " both hold "
                + sequence[i]
                + ": it was learned twice");
      }
    }
    Map<Long, String> proposedAt = new HashMap<>();
    int proposedCount = 0;
    for (Map.Entry<String, long[]> p : proposedValues.entrySet()) {
      long[] values = p.getValue();
      for (int i = 0; i < values.length; i++) {
        String where = p.getKey() + " line " + (i + 1);
        String earlier = proposedAt.putIfAbsent(values[i], where);
        if (earlier != null) {
          return fail(
              where
                  + " proposes "
                  + values[i]
                  + " again (first at "
                  + earlier
                  + "): values must be distinct to be checked");
        }
        if (!lineOf.containsKey(values[i])) {
          return fail(values[i] + " (" + where + ") was never learned (" + first + ")");
        }
        proposedCount++;
      }
    }
    for (int i = 0; i < sequence.length; i++) {
      if (!proposedAt.containsKey(sequence[i])) {
        return fail(first + " line " + (i + 1) + ": " + sequence[i] + " was never proposed");
      }
    }
    return new Verdict(
        true,
        "OK: "
            + learnedValues.size()
            + (learnedValues.size() == 1 ? " learner" : " learners")
            + " learned the same "
            + sequence.length
            + " values, each of the "
            + proposedCount
            + " proposed by "
            + proposedValues.size()
            + (proposedValues.size() == 1 ? " proposer" : " proposers")
            + " exactly once");
  }

  /** The first place where {@code b} differs from {@code a}, if any. */
  private static Optional<String> difference(String a, long[] as, String b, long[] bs) {
    int common = Math.min(as.length, bs.length);
    for (int i = 0; i < common; i++) {
      if (as[i] != bs[i]) {
        return Optional.of(
            b + " line " + (i + 1) + " is " + bs[i] + " but " + a + " line " + (i + 1) + " is "
                + as[i]);
      }
    }
    if (bs.length < as.length) {
      return Optional.of(
          b
              + " ends after "
              + bs.length
              + " lines; "
              + a
              + " goes on with "
              + as[bs.length]
              + " at line "
              + (bs.length + 1)
              + " ("
              + as.length
              + " lines)");
    }
    if (bs.length > as.length) {
      return Optional.of(
          a
              + " ends after "
              + as.length
              + " lines; "
              + b
              + " goes on with "
              + bs[as.length]
              + " at line "
              + (as.length + 1)
              + " ("
              + bs.length
              + " lines)");
    }
    return Optional.empty();
  }

  /** The file's integers, or what is wrong with a line. */
  private static Object parse(String name, List<String> lines) {
    List<Long> values = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      try {
        values.add(Long.parseLong(lines.get(i).strip()));
      } catch (NumberFormatException e) {
        String line = lines.get(i);
        return name
            + " line "
            + (i + 1)
            + ": '"
            + (line.length() > 40 ? line.substring(0, 40) + "..." : line)
            + "' is not an integer";
      }
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /** learn2 before learn10. */
  private static int byNumber(String a, String b) {
    Matcher ma = NAME.matcher(a);
    Matcher mb = NAME.matcher(b);
    if (ma.matches() && mb.matches() && ma.group(1).equals(mb.group(1))) {
      String na = ma.group(2);
      String nb = mb.group(2);
      return na.length() != nb.length()
          ? Integer.compare(na.length(), nb.length())
          : na.compareTo(nb);
    }
    return a.compareTo(b);
  }

  private static Verdict fail(String message) {
    return new Verdict(false, message);
  }
}
