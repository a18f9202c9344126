package io.chronon.storage.memory;

import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import io.chronon.storage.segment.SegmentStoreContract;

import java.util.function.UnaryOperator;

/** The segment store contract on the memory store. */
class MemorySegmentStoreTest extends SegmentStoreContract {
    private final MemorySegmentStore store = new MemorySegmentStore();

    @Override
    protected SegmentStore store() {
        return store;
    }

    @Override
    protected void rewriteStored(String database, SegmentId id, UnaryOperator<byte[]> change) {
        store.rewriteForTesting(database, id, change);
    }
}
