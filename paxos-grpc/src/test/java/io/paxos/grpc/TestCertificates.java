package io.paxos.grpc;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests: issues EC certificates for 127.0.0.1 and localhost, written as
 * PEM files (certificate chain, PKCS#8 key) into a directory. Node certificates name their node in
 * a URI {@code paxos://CLUSTER/node/ID}, as {@link PeerCertificates} requires of peers under mutual
 * TLS. Shared with other modules' tests through this module's test-jar.
 */
public final class TestCertificates {
  /** PEM files of one identity. */
  public record Identity(Path certificate, Path privateKey) {}

  private static final AtomicLong SERIAL = new AtomicLong(1);

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509CertificateHolder caCert;
  final Path caFile;

  /** A new CA named {@code name}, its certificate written into {@code dir}. */
  public TestCertificates(Path dir, String name) throws Exception {
    this.dir = dir;
    this.name = name;
    this.caKeys = keyPair();
    X500Name subject = new X500Name("CN=" + name + " test CA");
    JcaX509v3CertificateBuilder b = builder(subject, subject, caKeys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.caCert = b.build(signer(caKeys));
    this.caFile = write(name + "-ca.pem", caCert);
  }

  /** A node's certificate: it names {@code paxos://CLUSTER/node/ID} besides the host. */
  public Identity issueNode(String cluster, int id) throws Exception {
    return issue(cluster + "-node-" + id, "paxos://" + cluster + "/node/" + id);
  }

  /** A client's certificate: it names {@code paxos://CLUSTER/client/NAME}. */
  public Identity issueClient(String cluster, String name) throws Exception {
    return issue(cluster + "-client-" + name, "paxos://" + cluster + "/client/" + name);
  }

  /**
   * A certificate for {@code cn}, valid for 127.0.0.1 and localhost, with {@code uris} as further
   * subject alternative names, signed by this CA.
   */
  public Identity issue(String cn, String... uris) throws Exception {
    KeyPair keys = keyPair();
    JcaX509v3CertificateBuilder b = builder(caCert.getSubject(), new X500Name("CN=" + cn), keys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    GeneralName[] names = new GeneralName[2 + uris.length];
    names[0] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    names[1] = new GeneralName(GeneralName.dNSName, "localhost");
    for (int i = 0; i < uris.length; i++) {
      names[2 + i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
    }
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    X509CertificateHolder cert = b.build(signer(caKeys));
    Path certFile = write(name + "-" + cn + ".pem", cert);
    Path keyFile = dir.resolve(name + "-" + cn + "-key.pem");
    try (Writer w = Files.newBufferedWriter(keyFile, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
    }
    return new Identity(certFile, keyFile);
  }

  /** The PEM file of this CA's certificate: what peers and clients trust. */
  public Path caFile() {
    return caFile;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.getAndIncrement()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static ContentSigner signer(KeyPair keys) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
  }

  private Path write(String file, X509CertificateHolder cert) throws IOException {
    Path path = dir.resolve(file);
    try (Writer w = Files.newBufferedWriter(path, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
    return path;
  }
}
