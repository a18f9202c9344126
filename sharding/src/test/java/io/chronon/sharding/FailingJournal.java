package io.chronon.sharding;

import com.typesafe.config.Config;
import io.chronon.storage.embedded.EmbeddedJournal;
import org.apache.pekko.persistence.AtomicWrite;
import scala.concurrent.Future;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The embedded journal, except that the next {@link #FAIL_WRITES} writes fail (a broken disk). */
public final class FailingJournal extends EmbeddedJournal {
    static final AtomicInteger FAIL_WRITES = new AtomicInteger();

    public FailingJournal(Config config, String configPath) {
        super(config, configPath);
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        if (FAIL_WRITES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return scala.concurrent.Future$.MODULE$.failed(new IOException("simulated disk failure"));
        }
        return super.doAsyncWriteMessages(messages);
    }
}
