package io.paxos.grpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret shared by every node of a cluster, with which peers authenticate each other's streams
 * when they talk plaintext (or TLS without client certificates). The secret never travels: each
 * side proves that it knows it with an HMAC-SHA256 over both sides' fresh nonces.
 *
 * <p><b>The handshake.</b> When a peer stream opens, the receiver sends a challenge {@code sn} (16
 * random bytes, new for every stream). The caller answers with its {@code Hello}: cluster id C,
 * configuration fingerprint F, its id S, the target id T, its own fresh nonce {@code cn}, and
 * {@code HMAC(secret, "paxos-peer-hello-v1", C, F, S, T, sn, cn)}. The receiver checks it in
 * constant time and answers with {@code HMAC(secret, "paxos-peer-welcome-v1", C, F, S, T, sn, cn)},
 * which the caller checks in turn. Every field is length-prefixed (4 bytes, big-endian), so no two
 * different tuples hash the same bytes.
 *
 * <p>Without a secret there is no challenge: the caller sends its Hello at once.
 *
 * <p>Why a challenge from the receiver, at the cost of one round trip per stream (streams live
 * long): a proof is bound to a nonce the receiver has just chosen, so a recorded Hello cannot be
 * replayed, not even a second later, and there is no clock to keep in sync and no cache of seen
 * nonces to bound. The caller's nonce makes the receiver's proof fresh as well, so a caller knows
 * it reached a member, not a recording.
 *
 * <p>What it does not do: it authenticates who opened a stream, not each frame after it. Someone
 * who can read and rewrite the traffic between two nodes can take over an authenticated plaintext
 * stream; use mutual TLS against such an attacker.
 *
 * <p>Immutable and thread-safe. The key is copied in; {@link #toString} does not show it.
 */
public final class ClusterSecret {
  /** The shortest secret accepted, in bytes. */
  public static final int MIN_BYTES = 16;

  /** Length of the nonces both sides send. */
  static final int NONCE_BYTES = 16;

  /** Length of a proof (HMAC-SHA256). */
  static final int PROOF_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private ClusterSecret(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "the cluster secret has "
              + secret.length
              + " bytes; use at least "
              + MIN_BYTES
              + " random bytes (e.g. openssl rand -hex 32)");
    }
    this.key = new SecretKeySpec(secret, ALGORITHM);
  }

  /**
   * {@return a secret of these bytes (at least {@link #MIN_BYTES})}
   *
   * @param secret the shared secret, the same at every member; copied
   * @throws IllegalArgumentException if it is shorter than {@link #MIN_BYTES}
   */
  public static ClusterSecret of(byte[] secret) {
    return new ClusterSecret(Objects.requireNonNull(secret, "secret").clone());
  }

  /**
   * {@return the secret in {@code file}: its bytes with surrounding whitespace trimmed (a file
   * written by {@code openssl rand -hex 32 > secret} holds 64 hex characters, used as they are)}
   *
   * @param file a file readable by this process only, the same content at every member
   * @throws IllegalArgumentException if the file cannot be read or holds fewer than {@link
   *     #MIN_BYTES} bytes
   */
  public static ClusterSecret fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the cluster secret file " + file + ": " + e);
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
    Arrays.fill(bytes, (byte) 0);
    return new ClusterSecret(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The caller's proof, sent in its Hello. */
  byte[] helloProof(
      String cluster,
      String fingerprint,
      int sender,
      int target,
      byte[] serverNonce,
      byte[] clientNonce) {
    return mac(
        "paxos-peer-hello-v1", cluster, fingerprint, sender, target, serverNonce, clientNonce);
  }

  /** The receiver's proof, sent in its Welcome. */
  byte[] welcomeProof(
      String cluster,
      String fingerprint,
      int sender,
      int target,
      byte[] serverNonce,
      byte[] clientNonce) {
    return mac(
        "paxos-peer-welcome-v1", cluster, fingerprint, sender, target, serverNonce, clientNonce);
  }

  /** Whether {@code proof} equals {@code expected}, in time independent of where they differ. */
  static boolean matches(byte[] expected, byte[] proof) {
    return MessageDigest.isEqual(expected, proof);
  }

  private byte[] mac(
      String tag,
      String cluster,
      String fingerprint,
      int sender,
      int target,
      byte[] serverNonce,
      byte[] clientNonce) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      field(mac, tag.getBytes(StandardCharsets.UTF_8));
      field(mac, cluster.getBytes(StandardCharsets.UTF_8));
      field(mac, fingerprint.getBytes(StandardCharsets.UTF_8));
      field(mac, intBytes(sender));
      field(mac, intBytes(target));
      field(mac, serverNonce);
      field(mac, clientNonce);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform provides " + ALGORITHM, e);
    }
  }

  private static void field(Mac mac, byte[] bytes) {
    mac.update(intBytes(bytes.length));
    mac.update(bytes);
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
