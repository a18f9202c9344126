package io.chronon.storage.journal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The append-only logs under Chronon's journal plugin ({@link ChrononJournal}), one per
 * persistence id: on local files, in memory, or in Cassandra
 * ({@code io.chronon.storage.cassandra.CassandraLogStore}). Appends are acknowledged (their
 * futures completed) only once durable; reads never see an entry before its append is
 * acknowledged.
 */
public interface LogStore extends AutoCloseable {
    /**
     * Appends each write after the last entry of its persistence id. The store may write
     * many of them together (one sync per log touched); each future completes on its own.
     */
    void append(List<PidWrite> writes);

    /** The highest sequence number ever written for {@code persistenceId}; 0 if none. */
    long highestSequenceNr(String persistenceId) throws IOException;

    /**
     * Calls {@code consumer} with the entries {@code from <= seqNr <= to}, in order, at most
     * {@code max} of them, skipping deleted ones. Returns how many were given.
     */
    long replay(String persistenceId, long from, long to, long max, Consumer<LogRecord> consumer) throws IOException;

    /** Marks the entries up to {@code toSeqNr} deleted; the highest sequence number stays. */
    CompletableFuture<Void> deleteTo(String persistenceId, long toSeqNr);

    /** Removes every trace of {@code persistenceId}. Only when nobody writes it any more. */
    CompletableFuture<Void> purge(String persistenceId);

    @Override
    void close();
}
