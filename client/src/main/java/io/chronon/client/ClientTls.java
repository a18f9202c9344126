package io.chronon.client;

import io.chronon.ChrononException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * Whom a {@code chronons://} connection trusts: the certificate authorities of the PEM file
 * named by the system property {@value #CA_FILE} (the command line's {@code --ca-file}), else
 * the JVM's default trust store ({@code javax.net.ssl.trustStore}, or the JDK's {@code cacerts}).
 * The host name of the URI must match the server's certificate (the JDK's HTTP client checks it).
 */
final class ClientTls {
    /** The system property naming a PEM file of the certificate authorities to trust. */
    static final String CA_FILE = ChrononUri.CA_FILE_PROPERTY;

    private ClientTls() {
    }

    /** The TLS context of new connections. */
    static SSLContext context() {
        String file = System.getProperty(CA_FILE, "");
        try {
            if (file.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int i = 0;
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + i++, c);
                }
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in the file");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw ChrononException.incorrect("chronon.error/invalid-ca-file", "Cannot read the certificate authorities of " + file
                    + " (-D" + CA_FILE + ", --ca-file; a PEM file of certificates): " + e.getMessage(), file);
        }
    }

    /** The message of a failed TLS handshake: what the caller can do about it. */
    static String handshakeHint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                String file = System.getProperty(CA_FILE, "");
                return "TLS handshake failed (" + t.getMessage() + "): the server's certificate is not trusted or does not name"
                        + " this host. Trust its certificate authority with -D" + CA_FILE + "=FILE (the command line's --ca-file)"
                        + (file.isEmpty() ? " or the JVM's trust store" : "; trusted now: " + file) + "; the URI's host must be"
                        + " a name or address in the certificate.";
            }
        }
        return null;
    }
}
