package io.chronon.node.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * A server's key and certificate chain from files: PEM (the certificate, then its chain; the
 * private key unencrypted PKCS#8, {@code -----BEGIN PRIVATE KEY-----}, RSA or EC) or one
 * PKCS12 key store.
 */
final class KeyMaterial {
    private static final char[] PEM_KEY_PASSWORD = "chronon-pem".toCharArray();

    private KeyMaterial() {
    }

    /** A server TLS context with the key and chain of the PEM files. */
    static SSLContext fromPem(Path certificate, Path privateKey) throws IOException, GeneralSecurityException {
        List<Certificate> chain = certificates(certificate);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + certificate);
        }
        PrivateKey key = privateKey(privateKey);
        requireMatch(key, chain.get(0), certificate, privateKey);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, PEM_KEY_PASSWORD, chain.toArray(Certificate[]::new));
        return context(store, PEM_KEY_PASSWORD);
    }

    /** A server TLS context with the key and chain of a PKCS12 key store. */
    static SSLContext fromPkcs12(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        return context(store, password);
    }

    /** The certificates of a PEM file, in their order. */
    static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return List.copyOf(all);
        }
    }

    /**
     * Checks that {@code key} is the private key of {@code certificate}'s public key (a
     * signature made with one verifies with the other): files replaced one after the other
     * are caught between the two, instead of serving a pair that fails every handshake.
     */
    private static void requireMatch(PrivateKey key, Certificate certificate, Path certFile, Path keyFile)
            throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "chronon".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(certificate.getPublicKey());
        verify.update(probe);
        if (!verify.verify(signature)) {
            throw new GeneralSecurityException("the private key in " + keyFile + " is not the key of the certificate in " + certFile);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new GeneralSecurityException(pem + " holds no unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----);"
                    + " convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + pem.getFileName());
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("cannot read the private key in " + pem + " (RSA, EC or Ed25519)", last);
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
