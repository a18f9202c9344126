package io.chronon.node.http;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.List;

/**
 * The settings of the HTTP API, from {@code chronon.http} (defaults in {@code chronon-node.conf}).
 *
 * @param host           the address to bind (loopback by default)
 * @param port           the port; 0 for any free port
 * @param accessKeys     the accepted {@code key:secret} pairs (several during a rotation)
 * @param maxBodySize    the largest request body accepted, in bytes; larger is a 413
 * @param maxBodyBytesInFlight the most bytes of large request bodies (over {@link #SMALL_BODY}) read and
 *                       answered at once; one more is answered busy ({@code chronon.http.max-body-bytes-in-flight},
 *                       0: the maximum heap / 64)
 * @param maxReadTimeout the longest {@code :timeout-ms} a read may ask for
 * @param corsOrigins    origins allowed by CORS ({@code "*"} for any); empty: CORS off
 * @param corsMaxAge     how long browsers may cache a preflight answer
 * @param cacheMaxAge    the {@code max-age} of reads pinned to a basis
 * @param sseKeepAlive   how often an idle tx-report stream sends a comment line
 * @param keyQueryGroups the query group each access key's reads go to when the request names
 *                       none ({@code chronon.http.key-query-groups}: key name to group)
 * @param failedLoginsPerName    failed logins of one user or key within {@code failedLoginWindow} before it is refused a while
 * @param failedLoginsPerAddress failed logins from one client address within the window before it is refused a while
 * @param failedLoginWindow      the window failed logins are counted in ({@code chronon.http.failed-logins})
 */
public record HttpSettings(String host, int port, List<String> accessKeys, long maxBodySize, long maxBodyBytesInFlight,
                           Duration maxReadTimeout,
                           List<String> corsOrigins, Duration corsMaxAge, Duration cacheMaxAge, Duration sseKeepAlive,
                           java.util.Map<String, String> keyQueryGroups,
                           int failedLoginsPerName, int failedLoginsPerAddress, Duration failedLoginWindow) {

    /** Bodies up to this size are never counted against {@link #maxBodyBytesInFlight}. */
    public static final long SMALL_BODY = 64 * 1024;

    /** The settings under {@code chronon.http} of a node's configuration. */
    public static HttpSettings from(Config root) {
        Config c = root.getConfig("chronon.http");
        return new HttpSettings(c.getString("host"), c.getInt("port"), List.copyOf(c.getStringList("access-keys")),
                c.getBytes("max-body-size"), bodyBytesInFlight(c.getBytes("max-body-bytes-in-flight")), c.getDuration("max-read-timeout"),
                List.copyOf(c.getStringList("cors.allowed-origins")), c.getDuration("cors.max-age"),
                c.getDuration("cache-max-age"), c.getDuration("sse-keep-alive"), keyQueryGroups(c),
                c.getInt("failed-logins.per-name"), c.getInt("failed-logins.per-address"), c.getDuration("failed-logins.window"));
    }

    /** These settings with other access keys. */
    public HttpSettings withAccessKeys(List<String> keys) {
        return new HttpSettings(host, port, List.copyOf(keys), maxBodySize, maxBodyBytesInFlight, maxReadTimeout, corsOrigins, corsMaxAge,
                cacheMaxAge, sseKeepAlive, keyQueryGroups, failedLoginsPerName, failedLoginsPerAddress, failedLoginWindow);
    }

    /** The budget of large bodies: as configured, or by default (0) the maximum heap / 64. */
    private static long bodyBytesInFlight(long configured) {
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 64;
    }

    private static java.util.Map<String, String> keyQueryGroups(Config c) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (c.hasPath("key-query-groups")) {
            for (var e : c.getConfig("key-query-groups").root().entrySet()) {
                out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
            }
        }
        return java.util.Map.copyOf(out);
    }
}
