package io.chronon.storage.index;

import io.chronon.db.Datom;

import java.util.Arrays;
import java.util.List;

/**
 * A decoded node of an index tree. Never modified once made: the cache hands the same node to
 * every reader.
 */
sealed interface Node permits Node.Leaf, Node.Branch {
    /** The index order of the tree the node belongs to. */
    TreeOrder type();

    /** 0 for a leaf; for a branch, one more than its children's. */
    int height();

    /** Datoms in the subtree. */
    long count();

    /** The least datom of the subtree. */
    Datom first();

    /** Datoms (leaf) or children (branch). */
    int entries();

    /** Length of the encoded node, uncompressed: what the cache weighs and the limits measure. */
    int bytes();

    /** A sorted run of datoms. */
    record Leaf(TreeOrder type, Datom[] datoms, int bytes) implements Node {
        @Override
        public int height() {
            return 0;
        }

        @Override
        public long count() {
            return datoms.length;
        }

        @Override
        public Datom first() {
            return datoms[0];
        }

        @Override
        public int entries() {
            return datoms.length;
        }

        List<Datom> datomList() {
            return Arrays.asList(datoms);
        }
    }

    /** Children in order, each with its first datom (the separator) and its datom count. */
    record Branch(TreeOrder type, int height, ChildRef[] children, long count, int bytes) implements Node {
        @Override
        public Datom first() {
            return children[0].first();
        }

        @Override
        public int entries() {
            return children.length;
        }

        List<ChildRef> childList() {
            return Arrays.asList(children);
        }
    }
}
