package io.chronon.storage.journal;

import com.typesafe.config.Config;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.ReadJournalProvider;

/**
 * Registers {@link ChrononReadJournal} with Pekko persistence query. Settings:
 * {@code journal} (the config path of the journal plugin whose store it reads),
 * {@code refresh-interval} (live queries), {@code chunk-size}.
 */
public final class ChrononReadJournalProvider implements ReadJournalProvider {
    private final ChrononReadJournal javadsl;
    private final ScalaDsl scaladsl;

    public ChrononReadJournalProvider(ExtendedActorSystem system, Config config, String configPath) {
        this.javadsl = new ChrononReadJournal(system, config.getString("journal"), config.getDuration("refresh-interval"),
                config.getInt("chunk-size"));
        this.scaladsl = new ScalaDsl(javadsl);
    }

    @Override
    public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
        return scaladsl;
    }

    @Override
    public org.apache.pekko.persistence.query.javadsl.ReadJournal javadslReadJournal() {
        return javadsl;
    }

    /** The Scala DSL view of the same queries. */
    static final class ScalaDsl implements org.apache.pekko.persistence.query.scaladsl.ReadJournal,
            org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery,
            org.apache.pekko.persistence.query.scaladsl.EventsByPersistenceIdQuery {
        private final ChrononReadJournal journal;

        ScalaDsl(ChrononReadJournal journal) {
            this.journal = journal;
        }

        @Override
        public org.apache.pekko.stream.scaladsl.Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
                String persistenceId, long fromSequenceNr, long toSequenceNr) {
            return journal.currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
        }

        @Override
        public org.apache.pekko.stream.scaladsl.Source<EventEnvelope, NotUsed> eventsByPersistenceId(
                String persistenceId, long fromSequenceNr, long toSequenceNr) {
            return journal.eventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr).asScala();
        }
    }
}
