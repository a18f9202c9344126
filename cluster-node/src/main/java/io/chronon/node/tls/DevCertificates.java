package io.chronon.node.tls;

import io.chronon.storage.file.OwnerOnly;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Throwaway certificates for development and tests: a certificate authority and, signed by it,
 * one certificate per name (EC P-256, valid 30 days, for {@code localhost} and
 * {@code 127.0.0.1}, server and client use), made in process with Bouncy Castle. Not for
 * production: the keys sit unencrypted (PEM) or under one password in {@code dir}, and the
 * authority's key is not kept.
 *
 * <p>{@code dir} (created readable by its owner only; every file in it is) receives {@code ca.pem} (the authority's
 * certificate, what clients trust), {@code truststore.p12} (the same as a PKCS12 trust store,
 * for Pekko remoting), {@code password} (the stores' password), and per name {@code NAME.p12}
 * (its key and chain, PKCS12), {@code NAME.crt.pem} (its chain) and {@code NAME.key.pem} (its
 * key, PKCS#8).
 *
 * <pre>java -cp ... io.chronon.node.tls.DevCertificates DIR NAME... [--ca CN]</pre>
 */
public final class DevCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration VALIDITY = Duration.ofDays(30);

    private DevCertificates() {
    }

    /** The files of one name. */
    public record Issued(Path keystore, Path certificate, Path privateKey) {
    }

    /**
     * Makes a new authority named {@code caName} in {@code dir} and certificates of
     * {@code names} signed by it, under a new random password; answers the authority's certificate.
     */
    public static Path generate(Path dir, String caName, List<String> names) throws IOException {
        byte[] secret = new byte[12];
        RANDOM.nextBytes(secret);
        return generate(dir, caName, names, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** {@link #generate(Path, String, List)} with the stores' password given (several authorities' stores alike). */
    public static Path generate(Path dir, String caName, List<String> names, String password) throws IOException {
        try {
            OwnerOnly.createDirectories(dir);
            OwnerOnly.writeString(passwordFile(dir), password + "\n");
            KeyPair caKeys = keyPair();
            X500Name ca = new X500Name("CN=" + caName);
            X509v3CertificateBuilder caBuilder = builder(ca, ca, caKeys);
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(caBuilder, caKeys);
            OwnerOnly.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", caCert.getEncoded()));
            KeyStore trust = emptyStore();
            trust.setCertificateEntry("ca", caCert);
            store(trust, dir.resolve("truststore.p12"), password);
            for (String name : names) {
                issue(dir, name, ca, caKeys, caCert, password);
            }
            return dir.resolve("ca.pem");
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make certificates in " + dir + ": " + e, e);
        }
    }

    /** The files of {@code name} in {@code dir} (after {@link #generate}). */
    public static Issued issued(Path dir, String name) {
        return new Issued(dir.resolve(name + ".p12"), dir.resolve(name + ".crt.pem"), dir.resolve(name + ".key.pem"));
    }

    /** The file of the stores' password in {@code dir} (after {@link #generate}). */
    public static Path passwordFile(Path dir) {
        return dir.resolve("password");
    }

    private static void issue(Path dir, String name, X500Name ca, KeyPair caKeys, X509Certificate caCert, String password)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder b = builder(ca, new X500Name("CN=" + name), keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert = sign(b, caKeys);
        Issued files = issued(dir, name);
        KeyStore store = emptyStore();
        store.setKeyEntry("node", keys.getPrivate(), password.toCharArray(), new Certificate[] {cert, caCert});
        store(store, files.keystore(), password);
        OwnerOnly.writeString(files.certificate(), pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()));
        OwnerOnly.writeString(files.privateKey(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuerKeys)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(issuerKeys.getPrivate())));
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static void store(KeyStore store, Path file, String password) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password.toCharArray());
        try (FileChannel ch = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** {@code DIR NAME... [--ca CN]}: makes an authority and certificates of the names in DIR; prints the authority's file. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DevCertificates DIR NAME... [--ca CN]");
            System.exit(2);
        }
        String ca = "Chronon dev CA";
        List<String> names = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--ca") && i + 1 < args.length) {
                ca = args[++i];
            } else {
                names.add(args[i]);
            }
        }
        System.out.println(generate(Path.of(args[0]), ca, names));
    }
}
