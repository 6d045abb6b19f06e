package io.paxos.peers.jraft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import java.nio.ByteBuffer;

/** A node's handler of {@link PutRequest}: proposes it and answers once it has been applied. */
final class PutProcessor implements RpcProcessor<PutRequest> {
  private volatile Node node;

  void attach(Node node) {
    this.node = node;
  }

  @Override
  public void handleRequest(RpcContext ctx, PutRequest request) {
    Node n = node;
    if (n == null || !n.isLeader()) {
      ctx.sendResponse(new PutResponse(false, "not the leader"));
      return;
    }
    n.apply(
        new Task(
            ByteBuffer.wrap(request.command),
            status ->
                ctx.sendResponse(
                    new PutResponse(status.isOk(), status.isOk() ? null : status.toString()))));
  }

  @Override
  public String interest() {
    return PutRequest.class.getName();
  }
}
