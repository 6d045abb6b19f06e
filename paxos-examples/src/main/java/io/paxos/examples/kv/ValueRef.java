package io.paxos.examples.kv;

/**
 * Where the value of one key lives in a {@link ValueArena}. Allocated once per key; afterwards only
 * its primitive {@link #location} changes, so overwriting a value stores no reference into an
 * object that may have grown old.
 */
final class ValueRef {
  /** The value's location, as {@link ValueArena} encodes it. */
  long location;

  ValueRef(long location) {
    this.location = location;
  }
}
