package io.paxos.examples.kv;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of one key, derived from a command the {@link KeyValueStore} applied and its result:
 * what a key watch reports. Only what changed the state is a change:
 *
 * <ul>
 *   <li>{@code PUT} sets the key (also to the value it already held: the write happened);
 *   <li>{@code DELETE} removes it if it held a value (result {@code FOUND}); deleting a missing key
 *       is no change;
 *   <li>{@code CAS} sets it if the swap happened; a failed swap is no change;
 *   <li>{@code GET} and {@code SCAN} sent as commands, and commands the store refused (result
 *       {@code ERROR}), change nothing.
 * </ul>
 *
 * @param slot the slot the command was applied in
 * @param key the key
 * @param value the new value, or empty if the key was deleted
 */
public record KvChange(long slot, String key, Optional<byte[]> value) {
  public KvChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** Whether the key was deleted (else it was set to {@link #value()}). */
  public boolean deleted() {
    return value.isEmpty();
  }

  /** The change {@code command} made, given its {@code result}, if it changed anything. */
  public static Optional<KvChange> of(long slot, byte[] command, byte[] result) {
    KvCommand c;
    KvResult r;
    try {
      c = KvCommand.decode(command);
      r = KvResult.decode(result);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the store refused it as malformed: nothing changed
    }
    if (r instanceof KvResult.Error) {
      return Optional.empty();
    }
    if (c instanceof KvCommand.Put p) {
      return Optional.of(new KvChange(slot, p.key(), Optional.of(p.value())));
    }
    if (c instanceof KvCommand.Delete d && r instanceof KvResult.Found) {
      return Optional.of(new KvChange(slot, d.key(), Optional.empty()));
    }
    if (c instanceof KvCommand.Cas cas && r instanceof KvResult.CasOutcome o && o.swapped()) {
      return Optional.of(new KvChange(slot, cas.key(), Optional.of(cas.value())));
    }
    return Optional.empty();
  }

  /** The changes of one applied slot, in the order applied, of the keys {@code patterns} match. */
  public static List<KvChange> of(AppliedSlot slot, KeyPatterns patterns) {
    List<KvChange> out = new ArrayList<>(1);
    for (AppliedCommand a : slot.commands()) {
      of(slot.slot(), a.command(), a.result())
          .filter(ch -> patterns.matches(ch.key()))
          .ifPresent(out::add);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvChange c
        && c.slot == slot
        && c.key.equals(key)
        && c.value.isPresent() == value.isPresent()
        && (value.isEmpty() || Arrays.equals(c.value.get(), value.get()));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(slot) * 31 + key.hashCode();
  }

  @Override
  public String toString() {
    return "KvChange[slot=" + slot + ", key=" + key + (deleted() ? ", deleted]" : ", set]");
  }
}
