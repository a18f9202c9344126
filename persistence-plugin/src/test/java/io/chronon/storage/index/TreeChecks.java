package io.chronon.storage.index;

import io.chronon.db.Datom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invariants of a tree, checked node by node (reading every segment). */
final class TreeChecks {
    private final IndexTree tree;
    private final Comparator<Datom> cmp;
    private final String context;
    private Datom last;
    private long leaves;
    private long leafBytes;
    private final List<Datom> leafFirsts = new ArrayList<>();

    private TreeChecks(IndexTree tree, String context) {
        this.tree = tree;
        this.cmp = tree.order().comparator();
        this.context = context;
    }

    /**
     * Every leaf at one depth (each branch one above its children), datoms strictly ascending
     * across leaves, each separator the first datom of its child and each count its child's,
     * a root branch with at least two children, and every other node between a quarter and
     * twice the targets.
     */
    static TreeChecks check(IndexTree tree, String context) {
        TreeChecks checks = new TreeChecks(tree, context);
        if (!tree.isEmpty()) {
            Node root = tree.storage().read(tree.order(), tree.root().id());
            assertEquals(tree.size(), checks.visit(root, true), context + ": size");
            assertEquals(tree.depth(), root.height() + 1, context + ": depth");
        }
        return checks;
    }

    long leaves() {
        return leaves;
    }

    long leafBytes() {
        return leafBytes;
    }

    /** The first datom of every leaf, ascending: where reads cross from one leaf to the next. */
    List<Datom> leafFirsts() {
        return leafFirsts;
    }

    private long visit(Node node, boolean root) {
        double fill = tree.storage().limits().fill(node.bytes(), node.entries(), node.height());
        if (!root) {
            assertTrue(fill >= 0.25 && fill <= 2.05, context + ": a node " + fill + " full at height " + node.height());
        }
        if (node instanceof Node.Leaf leaf) {
            for (Datom d : leaf.datoms()) {
                assertTrue(last == null || cmp.compare(last, d) < 0, context + ": " + d + " after " + last);
                last = d;
            }
            leafFirsts.add(leaf.datoms()[0]);
            leaves++;
            leafBytes += leaf.bytes();
            return leaf.datoms().length;
        }
        Node.Branch branch = (Node.Branch) node;
        assertTrue(!root || branch.children().length >= 2, context + ": a root branch of one child");
        long count = 0;
        for (ChildRef child : branch.children()) {
            Node n = tree.storage().read(tree.order(), child.id());
            assertEquals(branch.height() - 1, n.height(), context + ": height of a child");
            assertEquals(n.first(), child.first(), context + ": separator");
            long c = visit(n, false);
            assertEquals(c, child.count(), context + ": count of a child");
            count += c;
        }
        assertEquals(count, branch.count(), context + ": count of a branch");
        return count;
    }
}
