package io.paxos.examples.oplog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares oplog files slot by slot over the slots they share, reading each once, in step: a file
 * may end earlier (its node is behind) or lack slots another holds (a {@code SNAPSHOT} marker
 * stands for slots it holds only as state); a {@code SNAPSHOT} line is compared with nothing.
 */
public final class OpLogCompare {
  private OpLogCompare() {}

  /**
   * What the files say.
   *
   * @param agree whether no two files differ on a slot they share
   * @param message the first difference with both lines, or a one-line summary
   */
  public record Verdict(boolean agree, String message) {}

  /**
   * Compare {@code files}.
   *
   * @throws IOException if a file cannot be read or is not an oplog ({@link OpLogReader})
   */
  public static Verdict compare(List<Path> files) throws IOException {
    List<OpLogReader> readers = new ArrayList<>();
    try {
      List<Optional<OpLogReader.Line>> heads = new ArrayList<>();
      for (Path f : files) {
        OpLogReader r = new OpLogReader(f);
        readers.add(r);
        heads.add(r.next());
      }
      long compared = 0;
      while (true) {
        long slot = Long.MAX_VALUE;
        boolean any = false;
        for (Optional<OpLogReader.Line> h : heads) {
          if (h.isPresent()) {
            any = true;
            slot = Math.min(slot, h.get().slot());
          }
        }
        if (!any) {
          break;
        }
        int first = -1;
        int holders = 0;
        for (int i = 0; i < heads.size(); i++) {
          Optional<OpLogReader.Line> h = heads.get(i);
          if (h.isEmpty() || h.get().slot() != slot) {
            continue;
          }
          OpLogReader.Line line = h.get();
          if (!line.snapshot()) {
            holders++;
            if (first < 0) {
              first = i;
            } else if (!line.ops().equals(heads.get(first).get().ops())) {
              for (OpLogReader r : readers) {
                while (r.next().isPresent()) {
                  // a malformed file is reported as such, even after a difference
                }
              }
              return new Verdict(
                  false,
                  "slot "
                      + slot
                      + " differs: "
                      + files.get(first)
                      + ": "
                      + heads.get(first).get()
                      + " | "
                      + files.get(i)
                      + ": "
                      + line);
            }
          }
        }
        if (holders > 1) {
          compared++;
        }
        for (int i = 0; i < heads.size(); i++) {
          if (heads.get(i).isPresent() && heads.get(i).get().slot() == slot) {
            heads.set(i, readers.get(i).next());
          }
        }
      }
      StringBuilder ends = new StringBuilder();
      for (int i = 0; i < files.size(); i++) {
        ends.append(i == 0 ? "" : ", ")
            .append(files.get(i).getFileName())
            .append(" through ")
            .append(readers.get(i).lastSlot());
        if (readers.get(i).tornBytes() > 0) {
          ends.append(" (a torn last line ignored)");
        }
      }
      return new Verdict(
          true,
          files.size()
              + " oplogs agree: "
              + compared
              + " slots held by two or more compared, none differs ("
              + ends
              + ")");
    } finally {
      for (OpLogReader r : readers) {
        r.close();
      }
    }
  }
}
