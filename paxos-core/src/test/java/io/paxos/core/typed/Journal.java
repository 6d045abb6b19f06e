package io.paxos.core.typed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A typed state machine for the tests: each command (a string) is appended and answered with the
 * journal's length; a query "size" answers the length, any other query the whole journal joined
 * with commas. Counts the calls of each kind, to show which ones the adapter makes.
 */
final class Journal implements TypedStateMachine<String, String> {
  final List<String> entries = new ArrayList<>();
  int applies;
  int appliesWithoutResult;

  @Override
  public String apply(String command) {
    applies++;
    entries.add(command);
    return Integer.toString(entries.size());
  }

  @Override
  public void applyWithoutResult(String command) {
    appliesWithoutResult++;
    entries.add(command);
  }

  @Override
  public String query(String query) {
    return query.equals("size") ? Integer.toString(entries.size()) : String.join(",", entries);
  }

  @Override
  public Snapshot snapshot() {
    byte[] captured = String.join("\n", entries).getBytes(StandardCharsets.UTF_8);
    return out -> out.write(captured);
  }

  @Override
  public void restore(InputStream in) throws IOException {
    String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    entries.clear();
    if (!all.isEmpty()) {
      entries.addAll(List.of(all.split("\n", -1)));
    }
  }
}
