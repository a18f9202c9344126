package io.chronon.storage.index;

/**
 * How large the nodes of index trees are. A bulk build fills nodes up to the targets; a merge
 * lets a node grow to twice the targets before it splits it into target-sized nodes, and merges
 * a node that shrinks below a quarter of them with a neighbour, so a merge of a few datoms
 * rewrites one leaf per datom rather than splitting full leaves. Whichever target is reached
 * first counts: the encoded (uncompressed) bytes of a node, or its number of entries.
 *
 * @param targetBytes      encoded bytes of a node (leaf or branch)
 * @param targetLeafDatoms datoms in a leaf
 * @param targetChildren   children of a branch
 */
public record NodeLimits(int targetBytes, int targetLeafDatoms, int targetChildren) {
    /**
     * 16 KiB nodes: large enough that a range read costs few segment reads and a leaf
     * compresses well (the segment codec deflates each node), small enough that a point read
     * decodes little. Measured: a 512 MB node loading people's edges (lookup refs, random
     * entities) with 64 KiB leaves decoded a 5,000-datom leaf per lookup once the database
     * outgrew the cache, and its transactions timed out; with 16 KiB leaves it loaded them.
     * The entry counts only bound nodes of tiny datoms.
     */
    public static final NodeLimits DEFAULT = new NodeLimits(16 * 1024, 2048, 512);

    public NodeLimits {
        if (targetBytes < 64 || targetLeafDatoms < 2 || targetChildren < 2) {
            throw new IllegalArgumentException("Node limits too small: " + targetBytes + " bytes, "
                    + targetLeafDatoms + " datoms, " + targetChildren + " children");
        }
    }

    /** Limits with nodes of at most {@code leafDatoms} datoms and {@code children} children (for tests: deep trees). */
    public static NodeLimits ofEntries(int leafDatoms, int children) {
        return new NodeLimits(DEFAULT.targetBytes, leafDatoms, children);
    }

    /** How full a node of {@code bytes} and {@code entries} is against the targets: 1 is a target-sized node. */
    double fill(long bytes, int entries, int height) {
        int targetEntries = height == 0 ? targetLeafDatoms : targetChildren;
        return Math.max((double) bytes / targetBytes, (double) entries / targetEntries);
    }
}
