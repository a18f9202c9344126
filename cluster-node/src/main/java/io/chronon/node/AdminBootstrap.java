package io.chronon.node;

import io.chronon.ErrorCategory;
import io.chronon.sharding.access.AccessChange;
import io.chronon.sharding.access.AccessModel;
import io.chronon.sharding.access.Secrets;
import io.chronon.sharding.catalog.AccessReplica;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Creates the built-in administrator when the cluster has none yet: a generated password
 * (256 random bits; never a fixed default), its Argon2id hash sent to the access catalog,
 * which takes the first such request of the cluster and refuses the others. The node whose
 * request was taken writes the password to {@value #FILE} in its data directory, readable by
 * its owner only (created so, never wider for a moment), and answers it once for the start-up
 * message; it is never logged.
 */
final class AdminBootstrap {
    static final String FILE = "admin-password";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final Duration RETRY = Duration.ofMillis(250);
    private static final Duration GIVE_UP = Duration.ofMinutes(5);

    private final ActorSystem<?> system;
    private final AccessReplica access;
    private final Path dataDir;
    private final Executor blocking;
    private final long deadline;
    private final CompletableFuture<Optional<String>> outcome = new CompletableFuture<>();

    private AdminBootstrap(ActorSystem<?> system, Path dataDir) {
        this.system = system;
        this.access = AccessReplica.get(system);
        this.dataDir = dataDir;
        this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        this.deadline = System.nanoTime() + GIVE_UP.toNanos();
    }

    /** The administrator's generated password if this node created it, empty if it existed already. */
    static CompletableFuture<Optional<String>> run(ActorSystem<?> system, Path dataDir) {
        AdminBootstrap b = new AdminBootstrap(system, dataDir);
        b.attempt();
        return b.outcome;
    }

    private void attempt() {
        AccessModel model = access.model();
        if (model == null) {
            retry(null);
            return;
        }
        if (model.users().containsKey(AccessModel.ADMIN)) {
            outcome.complete(Optional.empty());
            return;
        }
        String password = Secrets.newSecret();
        CompletionStage<AccessModel> made = CompletableFuture.supplyAsync(() -> Secrets.hashPassword(password), blocking)
                .thenCompose(hash -> access.change(new AccessChange.Bootstrap(hash)));
        made.whenComplete((m, failure) -> {
            if (failure == null) {
                try {
                    write(password);
                    outcome.complete(Optional.of(password));
                } catch (RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
            } else if (ChrononError.of(failure).category() == ErrorCategory.CONFLICT) {
                outcome.complete(Optional.empty());
            } else {
                retry(failure);
            }
        });
    }

    private void retry(Throwable failure) {
        if (System.nanoTime() > deadline) {
            log.warn("Could not create the built-in administrator: {}", failure == null ? "no access catalog" : failure.toString());
            outcome.completeExceptionally(new IllegalStateException("the access catalog did not answer"));
            return;
        }
        system.scheduler().scheduleOnce(RETRY, this::attempt, system.executionContext());
    }

    private void write(String password) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("Another process wrote " + file + " at the same time", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
