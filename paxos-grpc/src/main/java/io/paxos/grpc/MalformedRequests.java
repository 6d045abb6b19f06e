package io.paxos.grpc;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.paxos.core.observe.RateLimitedLog;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests that do not parse as their protobuf message end their call with {@code
 * INVALID_ARGUMENT}, counted and logged at most once per interval, without a stack trace.
 *
 * <p>Without this, gRPC's marshaller throws from inside the transport: the caller sees {@code
 * UNKNOWN} and the node logs a SEVERE stack trace of several kilobytes for every bad message, which
 * a stranger can repeat as fast as the network allows. Here the request marshaller of every method
 * parses leniently: a message that does not parse becomes a marker instance, which the call's
 * listener recognises (by identity) and answers by closing the call. The handler never sees it.
 *
 * <p>Thread-safe.
 */
final class MalformedRequests {
  private final RateLimitedLog log;
  private final AtomicLong count = new AtomicLong();

  MalformedRequests(RateLimitedLog log) {
    this.log = log;
  }

  /** Requests that did not parse so far. */
  long count() {
    return count.get();
  }

  /** {@code service} with lenient parsing of every method whose requests are protobuf messages. */
  ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor()); // for server reflection
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> guarded = guard(method);
      methods.add(guarded);
      descriptor.addMethod(guarded.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    if (!(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
        || !(proto.getMessagePrototype() instanceof Message prototype)) {
      return definition;
    }
    @SuppressWarnings("unchecked")
    Q marker = (Q) prototype.newBuilderForType().buildPartial(); // a new instance: its identity
    String type = prototype.getDescriptorForType().getName();
    MethodDescriptor.Marshaller<Q> lenient =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Q value) {
            return proto.stream(value);
          }

          @Override
          public Q parse(InputStream stream) {
            try {
              return proto.parse(stream);
            } catch (RuntimeException e) {
              count.incrementAndGet();
              log.event(
                  "malformed requests refused with INVALID_ARGUMENT",
                  method.getFullMethodName() + ": " + Status.fromThrowable(e).getDescription());
              return marker;
            }
          }
        };
    MethodDescriptor<Q, R> guarded =
        method.toBuilder(lenient, method.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    ServerCallHandler<Q, R> guardedHandler =
        (call, headers) -> {
          ServerCall.Listener<Q> delegate = handler.startCall(call, headers);
          return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
              if (refused) {
                return;
              }
              if (message == marker) {
                refused = true;
                call.close(
                    Status.INVALID_ARGUMENT.withDescription(
                        "the request is not a valid " + type + " message"),
                    new Metadata());
                super.onCancel(); // the handler ends its side as if the caller had gone
                return;
              }
              super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
              if (!refused) {
                super.onHalfClose();
              }
            }

            @Override
            public void onCancel() {
              if (!refused) {
                super.onCancel();
              }
            }

            @Override
            public void onComplete() {
              if (!refused) {
                super.onComplete();
              }
            }

            @Override
            public void onReady() {
              if (!refused) {
                super.onReady();
              }
            }
          };
        };
    return ServerMethodDefinition.create(guarded, guardedHandler);
  }
}
