package io.chronon.node.tls;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * HTTPS for the HTTP API ({@code chronon.http.tls}): the server's key and certificate from PEM
 * files or a PKCS12 key store, read again when the files change (checked every
 * {@code reload-interval}): connections opened after a change get the new certificate, open
 * ones keep theirs. A change that does not load (a file half written, a key that does not fit)
 * keeps the certificate in use and is logged; the next change is tried again.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private final Path certificate;
    private final Path privateKey;
    private final Path keystore;
    private final char[] password;
    private final Duration reloadInterval;
    private volatile SSLContext context;
    private volatile byte[] fingerprint;

    private ServerTls(Path certificate, Path privateKey, Path keystore, char[] password, Duration reloadInterval)
            throws IOException, GeneralSecurityException {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.keystore = keystore;
        this.password = password;
        this.reloadInterval = reloadInterval;
        this.fingerprint = fingerprint();
        this.context = load();
    }

    /**
     * HTTPS as {@code chronon.http.tls} configures it, or empty for plain HTTP; plain HTTP only
     * on a loopback address unless {@code chronon.http.trusted-network} is on.
     *
     * @throws IllegalArgumentException for files that cannot be read or do not hold a key and its
     *         certificate, an incomplete setting, or plain HTTP on another address than loopback
     */
    public static Optional<ServerTls> from(Config root) {
        Config c = root.getConfig("chronon.http.tls");
        String cert = c.getString("certificate");
        String key = c.getString("private-key");
        String store = c.getString("keystore");
        if (cert.isEmpty() && key.isEmpty() && store.isEmpty()) {
            requireLoopbackOrTrusted("HTTP API", "chronon.http.host (--host)", root.getString("chronon.http.host"),
                    root.getBoolean("chronon.http.trusted-network"), "chronon.http.trusted-network = on (--http-trusted-network)",
                    "give it a certificate (--tls-cert and --tls-key, or --tls-keystore; docs/operations.md, \"TLS\")");
            return Optional.empty();
        }
        if (!store.isEmpty() && !(cert.isEmpty() && key.isEmpty())) {
            throw new IllegalArgumentException("chronon.http.tls: give either a PKCS12 keystore (--tls-keystore) or PEM files"
                    + " (--tls-cert and --tls-key), not both");
        }
        if (store.isEmpty() && (cert.isEmpty() || key.isEmpty())) {
            throw new IllegalArgumentException("chronon.http.tls: PEM needs both the certificate chain (--tls-cert,"
                    + " chronon.http.tls.certificate) and the PKCS#8 private key (--tls-key, chronon.http.tls.private-key)");
        }
        char[] password = store.isEmpty() ? new char[0] : Secrets.password(c.getString("keystore-password-file"),
                c.getString("keystore-password-env"), "chronon.http.tls.keystore-password-file / -env");
        try {
            return Optional.of(new ServerTls(cert.isEmpty() ? null : Path.of(cert), key.isEmpty() ? null : Path.of(key),
                    store.isEmpty() ? null : Path.of(store), password, c.getDuration("reload-interval")));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("chronon.http.tls: cannot load the server's key and certificate from "
                    + (store.isEmpty() ? cert + " and " + key : store) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a listener without TLS on an address other than loopback, unless the network is
     * declared trusted: secrets would cross the network in clear text.
     *
     * @throws IllegalArgumentException when it would
     */
    public static void requireLoopbackOrTrusted(String what, String setting, String host, boolean trusted, String override,
                                                String remedy) {
        if (trusted || isLoopback(host)) {
            return;
        }
        throw new IllegalArgumentException("The " + what + " would listen without TLS on " + host + " (" + setting
                + "), which is not a loopback address: access keys and data would cross the network in clear text. Either "
                + remedy + ", or, on a network you trust, set " + override + ".");
    }

    /** True for a loopback address or a name that resolves only to loopback addresses. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress[] all = InetAddress.getAllByName(h);
            return all.length > 0 && Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The connection context of the HTTPS server: each new connection gets an engine of the certificate in use. */
    public HttpsConnectionContext connectionContext() {
        return ConnectionContext.httpsServer(this::engine);
    }

    private SSLEngine engine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** Checks the files every {@code reload-interval} on {@code system}'s scheduler until it stops. */
    public void watch(ActorSystem<?> system) {
        system.scheduler().scheduleWithFixedDelay(reloadInterval, reloadInterval, this::reloadIfChanged,
                system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
    }

    /** Loads the files again if their bytes changed; true if a new certificate is now in use. */
    public boolean reloadIfChanged() {
        try {
            byte[] now = fingerprint();
            if (Arrays.equals(now, fingerprint)) {
                return false;
            }
            SSLContext next = load();
            context = next;
            fingerprint = now;
            LOG.info("HTTPS: loaded the new certificate from {}", keystore != null ? keystore : certificate);
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("HTTPS: the certificate files changed but do not load ({}); keeping the one in use", e.toString());
            return false;
        }
    }

    private SSLContext load() throws IOException, GeneralSecurityException {
        return keystore != null ? KeyMaterial.fromPkcs12(keystore, password) : KeyMaterial.fromPem(certificate, privateKey);
    }

    /** A hash of the files' bytes: a change of content is seen even within one modification-time tick. */
    private byte[] fingerprint() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : keystore != null ? List.of(keystore) : List.of(certificate, privateKey)) {
                sha.update(Files.readAllBytes(p));
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
