package io.paxos.examples.rowa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.paxos.core.AppliedSlot;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.runtime.PaxosNode;
import java.util.List;
import java.util.Optional;

/**
 * A learner's HTTP routes for the stores:
 *
 * <ul>
 *   <li>{@code GET /rowa/status}: the driver's view ({@link RowaStatus}), each store's last
 *       committed slot among it;
 *   <li>{@code GET /rowa/outcome?slot=S}: what this learner applied in slot {@code S}, for a store
 *       whose transaction of that slot is in doubt: {@code TXN <digest>} (the slot's writes, {@link
 *       Txn#digest}) or {@code NONE} (it changed no key), 200; 404 if the learner has not applied
 *       the slot yet, 410 if its history no longer holds it, 400 for a slot that is not 1 to
 *       2^63-1.
 * </ul>
 */
final class RowaRoutes {
  private final PaxosNode node;
  private final RowaDriver driver;
  private final ObjectMapper json = new ObjectMapper();

  RowaRoutes(PaxosNode node, RowaDriver driver) {
    this.node = node;
    this.driver = driver;
  }

  void register(Javalin app) {
    app.get("/rowa/status", this::status);
    app.get("/rowa/outcome", this::outcome);
  }

  private void status(Context ctx) throws JsonProcessingException {
    ctx.contentType("application/json").result(json.writeValueAsString(driver.status()));
  }

  private void outcome(Context ctx) {
    long slot;
    try {
      String q = ctx.queryParam("slot");
      slot = Numbers.slot(q == null ? "" : q);
    } catch (IllegalArgumentException e) {
      ctx.status(400).result("ERR " + e.getMessage() + "\n");
      return;
    }
    try (Watch w = node.watch(slot)) {
      List<AppliedSlot> slots = w.poll(1);
      if (slots.isEmpty() && w.nextSlot() <= slot) {
        ctx.status(404).result("not applied yet\n");
        return;
      }
      Optional<Txn> t =
          slots.isEmpty() || slots.get(0).slot() != slot ? Optional.empty() : Txn.of(slots.get(0));
      ctx.status(200).result(t.map(x -> "TXN " + x.digest()).orElse("NONE") + "\n");
    } catch (SlotUnavailableException e) {
      ctx.status(410).result("slot " + slot + " is no longer held here\n");
    }
  }
}
