package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Changes derived from applied commands and their results, taken from a real {@link KeyValueStore}:
 * only what changed the state is a change; and key patterns.
 */
class KvChangeTest {
  private final KeyValueStore store = new KeyValueStore();
  private long slot;

  private Optional<KvChange> apply(KvCommand c) {
    byte[] command = c.encode();
    return KvChange.of(++slot, command, store.apply(command));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void onlyCommandsThatChangedTheStateAreChanges() {
    KvChange put = apply(KvCommand.put("k", "v1")).orElseThrow();
    assertThat(put.key()).isEqualTo("k");
    assertThat(put.deleted()).isFalse();
    assertThat(put.value()).get().isEqualTo(bytes("v1"));
    assertThat(put.slot()).isEqualTo(1);
    assertThat(apply(KvCommand.put("k", "v1"))).as("a write of the same value").isPresent();

    assertThat(apply(KvCommand.cas("k", Optional.of(bytes("nope")), bytes("v2"))))
        .as("a failed CAS")
        .isEmpty();
    assertThat(
            apply(KvCommand.cas("k", Optional.of(bytes("v1")), bytes("v2"))).orElseThrow().value())
        .get()
        .isEqualTo(bytes("v2"));
    assertThat(apply(KvCommand.cas("new", Optional.empty(), bytes("n"))))
        .as("a CAS creating a key")
        .isPresent();

    KvChange deleted = apply(KvCommand.delete("k")).orElseThrow();
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.value()).isEmpty();
    assertThat(apply(KvCommand.delete("k"))).as("delete of a missing key").isEmpty();

    assertThat(apply(KvCommand.get("new"))).as("a GET sent as a command").isEmpty();
    assertThat(KvChange.of(1, new byte[] {0x7F}, store.apply(new byte[] {0x7F})))
        .as("a malformed command the store refused")
        .isEmpty();
    assertThat(KvChange.of(1, new byte[0], new byte[0])).isEmpty();
  }

  @Test
  void aSlotsChangesKeepTheirOrderAndOnlyMatchingKeys() {
    List<AppliedCommand> commands = new ArrayList<>();
    for (KvCommand c :
        List.of(
            KvCommand.put("user1", "a"),
            KvCommand.put("other", "b"),
            KvCommand.delete("user1"),
            KvCommand.delete("user2"))) {
      byte[] bytes = c.encode();
      commands.add(new AppliedCommand(bytes, store.apply(bytes)));
    }
    List<KvChange> changes =
        KvChange.of(new AppliedSlot(7, commands), KeyPatterns.of(List.of("user*")));
    assertThat(changes).extracting(KvChange::key).containsExactly("user1", "user1");
    assertThat(changes).extracting(KvChange::deleted).containsExactly(false, true);
    assertThat(changes).extracting(KvChange::slot).containsOnly(7L);
  }

  @Test
  void globsMatchPrefixesSuffixesExactKeysAndEverything() {
    assertThat(KeyPatterns.glob("user*", "user")).isTrue();
    assertThat(KeyPatterns.glob("user*", "user42")).isTrue();
    assertThat(KeyPatterns.glob("user*", "use")).isFalse();
    assertThat(KeyPatterns.glob("user*", "xuser")).isFalse();
    assertThat(KeyPatterns.glob("*:cart", "u1:cart")).isTrue();
    assertThat(KeyPatterns.glob("*:cart", "u1:cart2")).isFalse();
    assertThat(KeyPatterns.glob("a*b*c", "aXbYc")).isTrue();
    assertThat(KeyPatterns.glob("a*b*c", "abc")).isTrue();
    assertThat(KeyPatterns.glob("a*b*c", "acb")).isFalse();
    assertThat(KeyPatterns.glob("exact", "exact")).isTrue();
    assertThat(KeyPatterns.glob("exact", "exactly")).isFalse();
    assertThat(KeyPatterns.glob("*", "")).isTrue();
    assertThat(KeyPatterns.glob("*", "anything")).isTrue();
    assertThat(KeyPatterns.glob("**", "x")).isTrue();
    assertThat(KeyPatterns.glob("a*a", "aaa")).isTrue();
    assertThat(KeyPatterns.glob("a*a", "a")).isFalse();
    assertThat(KeyPatterns.glob("é*", "éclair")).isTrue();

    KeyPatterns p = KeyPatterns.of(List.of("user*", "admin"));
    assertThat(p.matches("user7")).isTrue();
    assertThat(p.matches("admin")).isTrue();
    assertThat(p.matches("admins")).isFalse();
  }

  @Test
  void badPatternsAreRefused() {
    assertThatThrownBy(() -> KeyPatterns.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyPatterns.of(List.of("")))
        .isInstanceOf(IllegalArgumentException.class);
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= KeyPatterns.MAX_PATTERNS; i++) {
      many.add("k" + i);
    }
    assertThatThrownBy(() -> KeyPatterns.of(many)).isInstanceOf(IllegalArgumentException.class);
    assertThat(KeyPatterns.of(many.subList(0, KeyPatterns.MAX_PATTERNS)).patterns())
        .hasSize(KeyPatterns.MAX_PATTERNS);
    assertThatThrownBy(() -> KeyPatterns.of(List.of("x".repeat(KvCommand.MAX_KEY_BYTES + 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
