package io.paxos.core.readme;

// README:ledger:start
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.core.typed.TypedStateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A bank ledger: "FROM TO AMOUNT" moves money between accounts 0-3 unless FROM would go negative.
 */
public final class Ledger implements TypedStateMachine<String, String> {
  public static final CommandCodecs<String, String> CODECS =
      CommandCodecs.of(Codec.utf8(), Codec.utf8());

  private long[] balances = {100, 100, 100, 100};

  @Override
  public String apply(String transfer) {
    String[] t = transfer.split(" ");
    int from = Integer.parseInt(t[0]);
    int to = Integer.parseInt(t[1]);
    long amount = Long.parseLong(t[2]);
    if (amount < 0 || balances[from] < amount) {
      return "refused";
    }
    balances[from] -= amount;
    balances[to] += amount;
    return "ok";
  }

  @Override
  public String query(String account) {
    return Long.toString(balances[Integer.parseInt(account)]);
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
    for (int i = 0; i < balances.length; i++) {
      balances[i] = data.readLong();
    }
  }

  public long total() {
    return Arrays.stream(balances).sum();
  }

  public boolean noneNegative() {
    return Arrays.stream(balances).allMatch(b -> b >= 0);
  }

  @Override
  public String toString() {
    return "Ledger" + Arrays.toString(balances);
  }
}
// README:ledger:end
