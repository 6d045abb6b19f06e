package io.paxos.core.testing;

import io.paxos.core.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A byte-level bank of four accounts that start at 100: a command {@code [from, to, amount]} moves
 * the amount unless the sender would go negative (result 1, else 0); a query {@code [account]}
 * answers its balance as text. Correct; the tests break it one method at a time.
 */
class Bank implements StateMachine {
  static final int ACCOUNTS = 4;
  long[] balances = {100, 100, 100, 100};

  static byte[] transfer(RandomGenerator r) {
    return new byte[] {
      (byte) r.nextInt(ACCOUNTS), (byte) r.nextInt(ACCOUNTS), (byte) r.nextInt(80)
    };
  }

  static byte[] balanceQuery(RandomGenerator r) {
    return new byte[] {(byte) r.nextInt(ACCOUNTS)};
  }

  @Override
  public byte[] apply(byte[] command) {
    int from = command[0];
    int to = command[1];
    int amount = command[2];
    if (balances[from] < amount) {
      return new byte[] {0};
    }
    balances[from] -= amount;
    balances[to] += amount;
    return new byte[] {1};
  }

  @Override
  public byte[] query(byte[] query) {
    return Long.toString(balances[query[0]]).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public Snapshot snapshot() {
    long[] copy = balances.clone();
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      for (long b : copy) {
        data.writeLong(b);
      }
      data.flush();
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    for (int i = 0; i < ACCOUNTS; i++) {
      balances[i] = data.readLong();
    }
  }

  long total() {
    return Arrays.stream(balances).sum();
  }

  boolean noneNegative() {
    return Arrays.stream(balances).allMatch(b -> b >= 0);
  }

  @Override
  public String toString() {
    return "Bank" + Arrays.toString(balances);
  }
}
