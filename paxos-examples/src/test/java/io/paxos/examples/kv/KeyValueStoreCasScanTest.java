package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Compare-and-set and prefix scans on the {@link KeyValueStore}. */
class KeyValueStoreCasScanTest {
  private final KeyValueStore store = new KeyValueStore();

  private KvResult apply(KvCommand command) {
    return KvResult.decode(store.apply(command.encode()));
  }

  private KvResult.Entries scan(String prefix, Optional<String> after, int limit) {
    return (KvResult.Entries)
        KvResult.decode(store.query(KvCommand.scan(prefix, after, limit).encode()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> keys(KvResult.Entries entries) {
    return entries.entries().stream().map(KvResult.Entry::key).toList();
  }

  @Test
  void casSwapsOnlyWhenTheExpectedValueIsThere() {
    assertThat(apply(KvCommand.cas("k", Optional.of(utf8("x")), utf8("1"))))
        .as("expects a value, the key is absent")
        .isEqualTo(new KvResult.CasOutcome(false, Optional.empty()));
    assertThat(store.get("k")).isEmpty();
    assertThat(apply(KvCommand.cas("k", Optional.empty(), utf8("1"))))
        .as("expects absence, the key is absent")
        .isEqualTo(new KvResult.CasOutcome(true, Optional.empty()));
    assertThat(apply(KvCommand.cas("k", Optional.empty(), utf8("2"))))
        .as("expects absence, the key is there: tells the current value")
        .isEqualTo(new KvResult.CasOutcome(false, Optional.of(utf8("1"))));
    assertThat(apply(KvCommand.cas("k", Optional.of(utf8("0")), utf8("2"))))
        .isEqualTo(new KvResult.CasOutcome(false, Optional.of(utf8("1"))));
    assertThat(apply(KvCommand.cas("k", Optional.of(utf8("1")), utf8("2"))))
        .isEqualTo(new KvResult.CasOutcome(true, Optional.of(utf8("1"))));
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("2")));
    // An empty value is a value, not absence.
    apply(KvCommand.put("e", new byte[0]));
    assertThat(apply(KvCommand.cas("e", Optional.empty(), utf8("x"))))
        .isEqualTo(new KvResult.CasOutcome(false, Optional.of(new byte[0])));
    assertThat(apply(KvCommand.cas("e", Optional.of(new byte[0]), utf8("x"))))
        .isEqualTo(new KvResult.CasOutcome(true, Optional.of(new byte[0])));
  }

  @Test
  void aCasAppliedWithoutResultChangesTheStateTheSameWay() {
    KeyValueStore replica = new KeyValueStore();
    List<KvCommand> commands =
        List.of(
            KvCommand.cas("a", Optional.empty(), utf8("1")),
            KvCommand.cas("a", Optional.of(utf8("1")), utf8("2")),
            KvCommand.cas("a", Optional.of(utf8("1")), utf8("3")),
            KvCommand.cas("b", Optional.of(utf8("1")), utf8("3")));
    for (KvCommand c : commands) {
      store.apply(c.encode());
      replica.applyWithoutResult(c.encode());
    }
    assertThat(replica.stateHash()).isEqualTo(store.stateHash());
    assertThat(replica.get("a")).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("2")));
    assertThat(replica.get("b")).isEmpty();
  }

  @Test
  void casIsRefusedAsAQuery() {
    KvResult r =
        KvResult.decode(store.query(KvCommand.cas("k", Optional.empty(), utf8("1")).encode()));
    assertThat(r).isInstanceOf(KvResult.Error.class);
    assertThat(store.size()).isZero();
  }

  @Test
  void scansListMatchingKeysInCodePointOrderAPageAtATime() {
    for (String k : List.of("user3", "user1", "user10", "user2", "usex", "use", "", "ключ", "🙂")) {
      apply(KvCommand.put(k, "v-" + k));
    }
    KvResult.Entries first = scan("user", Optional.empty(), 2);
    assertThat(keys(first)).containsExactly("user1", "user10");
    assertThat(first.more()).isTrue();
    assertThat(first.entries().get(0).text()).isEqualTo("v-user1");
    KvResult.Entries second = scan("user", Optional.of("user10"), 2);
    assertThat(keys(second)).containsExactly("user2", "user3");
    assertThat(second.more()).isFalse();
    assertThat(keys(scan("", Optional.empty(), 1000)))
        .containsExactly("", "use", "user1", "user10", "user2", "user3", "usex", "ключ", "🙂");
    assertThat(keys(scan("nothing", Optional.empty(), 5))).isEmpty();
    assertThat(keys(scan("", Optional.of("🙂"), 5))).isEmpty();
    // Through the log, a SCAN reads without changing anything.
    String hash = store.stateHash();
    assertThat(apply(KvCommand.scan("user", Optional.empty(), 1)))
        .isEqualTo(
            new KvResult.Entries(List.of(new KvResult.Entry("user1", utf8("v-user1"))), true));
    assertThat(store.stateHash()).isEqualTo(hash);
  }

  @Test
  void scansAgreeWithASortedMapOnRandomKeys() {
    SplittableRandom random = new SplittableRandom(7);
    TreeMap<String, String> expected = new TreeMap<>();
    for (int i = 0; i < 3000; i++) {
      String k = "p" + Integer.toString(random.nextInt(5000), 36);
      if (random.nextInt(5) == 0) {
        apply(KvCommand.delete(k));
        expected.remove(k);
      } else {
        apply(KvCommand.put(k, "v" + i));
        expected.put(k, "v" + i);
      }
    }
    // ASCII keys: code point order is String order. Page through everything with "p1".
    List<String> paged = new ArrayList<>();
    Optional<String> after = Optional.empty();
    KvResult.Entries page;
    do {
      page = scan("p1", after, 37);
      paged.addAll(keys(page));
      after = page.entries().isEmpty() ? after : Optional.of(paged.get(paged.size() - 1));
    } while (page.more());
    assertThat(paged).containsExactlyElementsOf(expected.subMap("p1", "p2").keySet());
  }

  @Test
  void aPageStopsAtTheByteBoundButHoldsAtLeastOneEntry() {
    byte[] big = new byte[KvCommand.MAX_SCAN_BYTES / 2];
    for (int i = 0; i < 4; i++) {
      apply(KvCommand.put("big" + i, big));
    }
    KvResult.Entries page = scan("big", Optional.empty(), 10);
    assertThat(keys(page)).containsExactly("big0");
    assertThat(page.more()).isTrue();
    apply(KvCommand.put("huge", new byte[KvCommand.MAX_SCAN_BYTES + 1]));
    KvResult.Entries huge = scan("huge", Optional.empty(), 10);
    assertThat(keys(huge)).containsExactly("huge");
    assertThat(huge.more()).isFalse();
  }
}
