package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.sharding.access.AccessKey;
import io.chronon.sharding.access.AccessModel;
import io.chronon.sharding.access.AccessObject;
import io.chronon.sharding.access.Action;
import io.chronon.sharding.access.Decision;
import io.chronon.sharding.access.Policy;
import io.chronon.sharding.access.Principal;
import io.chronon.sharding.access.User;
import io.chronon.sharding.access.VerifiedSecrets;
import io.chronon.sharding.catalog.AccessReplica;
import io.chronon.sharding.wire.ChrononError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where every HTTP request's credentials are checked and its permission decided, once: the
 * credentials (HTTP Basic: a key id and its secret, or a user name and its password) name a
 * {@link Principal}, and {@link Policy} decides on the node's copy of the access model.
 * Secrets are checked against their Argon2id hashes off the request threads, with recent
 * successes remembered ({@link VerifiedSecrets}); failed logins are limited per name and per
 * address ({@link FailedLogins}). Nothing here logs or answers a secret.
 */
final class RequestGuard {
    private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);
    static final Keyword UNAUTHORIZED = Keyword.of("chronon.error/unauthorized");
    static final Keyword TOO_MANY_LOGINS = Keyword.of("chronon.error/too-many-failed-logins");
    static final Keyword FORBIDDEN = Keyword.of("chronon.error/forbidden");
    /** How long a checked secret is remembered: a revoked key or changed password is refused at once anyway. */
    private static final long VERIFIED_TTL_MILLIS = 10 * 60_000;

    private final AccessKeys configured;
    private final AccessReplica replica;
    private final Executor hashing;
    private final VerifiedSecrets verified = new VerifiedSecrets(VERIFIED_TTL_MILLIS, 10_000);
    private final FailedLogins failures;

    RequestGuard(AccessKeys configured, AccessReplica replica, Executor hashing, FailedLogins failures) {
        this.configured = configured;
        this.replica = replica;
        this.hashing = hashing;
        this.failures = failures;
    }

    /**
     * The principal an {@code Authorization} header proves, coming from {@code address};
     * fails {@code chronon.error/unauthorized} (401) for missing or wrong credentials,
     * {@code chronon.error/too-many-failed-logins} (429, the seconds to wait as its form) while
     * the name or address is blocked, and {@code unavailable} before this node has the access model.
     */
    CompletionStage<Principal> authenticate(String authorization, String address) {
        AccessKeys.Credentials c = AccessKeys.credentials(authorization);
        if (c == null) {
            return CompletableFuture.failedFuture(unauthorized());
        }
        long wait = failures.retryAfterSeconds(c.name(), address, System.currentTimeMillis());
        if (wait > 0) {
            log.warn("Login of {} from {} refused for {} s: too many failed logins", c.name(), address, wait);
            return CompletableFuture.failedFuture(new ChrononException(ErrorCategory.BUSY, TOO_MANY_LOGINS,
                    "Too many failed logins for this name or address; retry in " + wait + " s", wait));
        }
        if (configured.has(c.name())) {
            return configured.accepts(c) ? CompletableFuture.completedFuture(Principal.configuredKey(c.name())) : failed(c, address);
        }
        AccessModel model = replica.model();
        if (model == null) {
            return CompletableFuture.failedFuture(accessUnavailable());
        }
        AccessKey key = model.keys().get(c.name());
        User user = key == null ? model.users().get(c.name()) : null;
        String stored = key != null ? key.secretHash() : user != null ? user.passwordHash() : null;
        if (stored == null) {
            return failed(c, address);
        }
        Principal principal = key != null ? Principal.ofKey(key.user(), key.id()) : Principal.ofPassword(user.name());
        if (verified.remembered(c.name(), c.secret(), stored, System.currentTimeMillis())) {
            return CompletableFuture.completedFuture(principal);
        }
        // an Argon2id hash: tens of milliseconds for a key, half a second for a password, not on the request threads
        return CompletableFuture.supplyAsync(() -> verified.verify(c.name(), c.secret(), stored, System.currentTimeMillis()), hashing)
                .thenCompose(ok -> ok ? CompletableFuture.completedFuture(principal) : failed(c, address));
    }

    /** The error while this node has no access model yet. */
    static ChrononError accessUnavailable() {
        return ChrononError.unavailable("chronon.error/access-unavailable", "This node has not heard from the access catalog yet; retry");
    }

    private CompletionStage<Principal> failed(AccessKeys.Credentials c, String address) {
        failures.failed(c.name(), address, System.currentTimeMillis());
        log.info("Failed login of {} from {}", c.name(), address);
        return CompletableFuture.failedFuture(unauthorized());
    }

    private static ChrononException unauthorized() {
        return new ChrononException(ErrorCategory.FORBIDDEN, UNAUTHORIZED,
                "This endpoint needs credentials as HTTP Basic: an access key and its secret, or a user and its password");
    }

    /** True if {@code p} may do {@code action} on {@code object} now. */
    boolean allows(Principal p, Action action, AccessObject object) {
        AccessModel model = replica.model();
        return Policy.decide(model == null ? AccessModel.initial() : model, p, action, object).allowed();
    }

    /** Throws the 403 naming the missing permission if {@code p} may not do {@code action} on {@code object}. */
    void authorize(Principal p, Action action, AccessObject object, String request) {
        AccessModel model = replica.model();
        Decision d = Policy.decide(model == null ? AccessModel.initial() : model, p, action, object);
        if (d instanceof Decision.Deny deny) {
            log.info("Denied {}: {} needs permission '{}' ({})", p, request, deny.missing(), deny.reason());
            Map<Object, Object> form = new LinkedHashMap<>();
            form.put(Keyword.of("action"), Keyword.of(deny.missing().action().label()));
            form.put(Keyword.of("kind"), Keyword.of(deny.missing().kind().label()));
            form.put(Keyword.of("target"), deny.missing().target().toString());
            throw new ChrononException(ErrorCategory.FORBIDDEN, FORBIDDEN, "Forbidden: this needs permission '"
                    + deny.missing() + "' (" + deny.reason() + ")", form);
        }
    }
}
