package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.storage.segment.SegmentId;

/**
 * What a branch knows of a child: its segment, its least datom (searches steer by it: child i
 * holds the datoms from its first up to the next child's first) and its datom count (ranges are
 * counted without reading leaves).
 */
record ChildRef(SegmentId id, Datom first, long count) {
}
