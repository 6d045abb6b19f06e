package io.paxos.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a TLS client certificate says its holder is. A node's certificate names its node id in a
 * subject alternative name URI {@code paxos://CLUSTER/node/ID}; a client's may name {@code
 * paxos://CLUSTER/client/NAME} or nothing of the kind. Only a certificate naming a node may open a
 * peer stream, and only as that node.
 *
 * <p>{@link #interceptor()} reads the verified client certificate of each call from its TLS session
 * and makes what it names available to the service through {@link #current()}. Thread-safe.
 */
final class PeerCertificates {
  /** What the call's client certificate names. */
  record Claim(boolean presented, Optional<String> cluster, int nodeId) {
    static final Claim NONE = new Claim(false, Optional.empty(), 0);

    /** Whether the certificate names node {@code id} of {@code clusterId}. */
    boolean names(String clusterId, int id) {
      return nodeId == id && cluster.isPresent() && cluster.get().equals(clusterId);
    }

    String describe() {
      if (!presented) {
        return "no client certificate";
      }
      if (nodeId == 0) {
        return "a certificate that names no node (no paxos://CLUSTER/node/ID name)";
      }
      return "a certificate of node " + nodeId + " of cluster '" + cluster.orElse("") + "'";
    }
  }

  private static final Context.Key<Claim> CLAIM = Context.key("paxos-peer-certificate");
  private static final String SCHEME = "paxos";

  private PeerCertificates() {}

  /** The claim of the call being handled; {@link Claim#NONE} outside one or without TLS. */
  static Claim current() {
    Claim c = CLAIM.get();
    return c == null ? Claim.NONE : c;
  }

  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Claim claim = claim(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        return Contexts.interceptCall(
            Context.current().withValue(CLAIM, claim), call, headers, next);
      }
    };
  }

  static Claim claim(SSLSession session) {
    if (session == null) {
      return Claim.NONE;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Claim.NONE;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Claim.NONE;
    }
    return claim(leaf);
  }

  /**
   * The node that {@code certificate} names. A certificate naming more than one node names none:
   * one certificate, one node.
   */
  static Claim claim(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return new Claim(true, Optional.empty(), 0);
    }
    Claim found = null;
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() == 2 && Integer.valueOf(6).equals(name.get(0))) { // 6: URI
          Claim c = parse(String.valueOf(name.get(1)));
          if (c != null) {
            if (found != null) {
              return new Claim(true, Optional.empty(), 0);
            }
            found = c;
          }
        }
      }
    }
    return found == null ? new Claim(true, Optional.empty(), 0) : found;
  }

  /** {@code paxos://CLUSTER/node/ID} as a claim; null for anything else. */
  static Claim parse(String uri) {
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      return null;
    }
    if (!SCHEME.equalsIgnoreCase(u.getScheme())
        || u.getAuthority() == null
        || u.getPath() == null) {
      return null;
    }
    String path = u.getPath();
    if (!path.startsWith("/node/")) {
      return null;
    }
    String id = path.substring("/node/".length());
    if (!id.matches("[1-9][0-9]{0,4}")) {
      return null;
    }
    int nodeId = Integer.parseInt(id);
    if (nodeId > io.paxos.core.config.Member.MAX_ID) {
      return null;
    }
    return new Claim(true, Optional.of(u.getAuthority()), nodeId);
  }
}
