package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chronon's {@link LazyEntity} against Datomic's {@code db.entity} on the same data: resolution,
 * every attribute forward and reverse, key sets, and random walks along references, on the
 * current db and on as-of and since views. Entities are compared by id.
 */
class EntityDifferentialTest {
    static DifferentialData data;

    static final List<String> ATTRS = List.of(":db/id", ":db/ident", ":e/key", ":p/name", ":p/age", ":p/score",
            ":p/alive", ":p/born", ":p/uuid", ":p/tags", ":p/nums", ":p/friend", ":p/best", ":p/follows", ":p/sex",
            ":p/addr", ":p/pets", ":a/street", ":a/city", ":pet/name", ":pet/toy", ":toy/name", ":c/name",
            ":p/_friend", ":p/_best", ":p/_follows", ":p/_sex", ":p/_addr", ":p/_pets", ":a/_city", ":pet/_toy",
            ":p/_name", ":nope/x", ":db/valueType", ":db/cardinality");

    @BeforeAll
    static void setUp() {
        data = DifferentialData.shared(PullDifferentialTest.SEED);
    }

    @Test
    void attributesOfEveryEntity() {
        List<String> mismatches = new ArrayList<>();
        int[] compared = {0};
        DbValue c = data.mirror.chronon();
        datomic.Database d = data.mirror.datomic();
        long t = data.dataT;
        for (String eid : data.eids) {
            compareEntity(c, d, eid, mismatches, compared);
            compareEntity(c.asOf(t), d.asOf(t), eid, mismatches, compared);
            compareEntity(c.since(t), d.since(t), eid, mismatches, compared);
        }
        for (String key : List.of("p0", "p1", "late", "city1")) {
            String id = Long.toString(data.ids.containsKey(key) ? data.ids.get(key) : 0L);
            compareEntity(c.since(t), d.since(t), id, mismatches, compared);
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + compared[0] + " differ:\n"
                + String.join("\n", mismatches.subList(0, Math.min(15, mismatches.size()))));
        assertTrue(compared[0] > 3000, "only " + compared[0]);
    }

    @Test
    void randomWalksAlongReferences() {
        List<String> mismatches = new ArrayList<>();
        Random r = new Random(PullDifferentialTest.SEED);
        DbValue c = data.mirror.chronon();
        datomic.Database d = data.mirror.datomic();
        int steps = 0;
        for (int walk = 0; walk < 300; walk++) {
            String start = data.eids.get(r.nextInt(data.eids.size()));
            LazyEntity ours = Pull.entity(c, EdnReader.read(start));
            datomic.Entity theirs = d.entity(DatomicMirror.datomicRead(start));
            for (int step = 0; step < 6 && ours != null && theirs != null; step++) {
                steps++;
                String attr = ATTRS.get(r.nextInt(ATTRS.size()));
                Object a = normalize(ours.get(Keyword.of(attr)));
                Object b = normalize(theirs.get(attr));
                if (!Objects.equals(a, b)) {
                    mismatches.add("walk from " + start + " at " + ours.id() + " " + attr + ": chronon " + a + ", datomic " + b);
                }
                Object next = ours.get(Keyword.of(attr));
                Object nextTheirs = theirs.get(attr);
                if (next instanceof Set<?> s && nextTheirs instanceof java.util.Collection<?> ts && !s.isEmpty()) {
                    int k = r.nextInt(s.size());
                    next = new ArrayList<>(s).get(k);
                    nextTheirs = next instanceof LazyEntity e ? d.entity(e.id()) : null;
                }
                if (next instanceof LazyEntity e && nextTheirs instanceof datomic.Entity de) {
                    ours = e;
                    theirs = de;
                }
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " differ:\n"
                + String.join("\n", mismatches.subList(0, Math.min(15, mismatches.size()))));
        assertTrue(steps > 1000, "only " + steps + " steps");
    }

    private static void compareEntity(DbValue c, datomic.Database d, String eid, List<String> mismatches, int[] compared) {
        LazyEntity ours;
        datomic.Entity theirs;
        boolean oursRejected = false;
        boolean theirsRejected = false;
        ours = null;
        theirs = null;
        try {
            ours = Pull.entity(c, EdnReader.read(eid));
        } catch (ChrononException e) {
            oursRejected = true;
        }
        try {
            theirs = d.entity(DatomicMirror.datomicRead(eid));
        } catch (RuntimeException e) {
            theirsRejected = true;
        }
        compared[0]++;
        if (oursRejected != theirsRejected || (ours == null) != (theirs == null)) {
            mismatches.add("entity " + eid + " on " + c + ": chronon " + (oursRejected ? "rejected" : ours)
                    + ", datomic " + (theirsRejected ? "rejected" : theirs));
            return;
        }
        if (ours == null) {
            return;
        }
        for (String attr : ATTRS) {
            compared[0]++;
            Object a = normalize(ours.get(Keyword.of(attr)));
            Object b = normalize(theirs.get(attr));
            if (!Objects.equals(a, b)) {
                mismatches.add("entity " + eid + " " + attr + " on " + c + ": chronon " + a + ", datomic " + b);
            }
        }
        compared[0]++;
        Set<Keyword> theirKeys = new LinkedHashSet<>();
        for (String k : theirs.keySet()) {
            theirKeys.add(Keyword.of(k));
        }
        if (!ours.keySet().equals(theirKeys)) {
            mismatches.add("entity " + eid + " keys on " + c + ": chronon " + ours.keySet() + ", datomic " + theirKeys);
        }
    }

    /** Entities as "entity <id>", collections element by element, Clojure values as Chronon values. */
    static Object normalize(Object v) {
        if (v instanceof LazyEntity e) {
            return "entity " + e.id();
        }
        if (v instanceof datomic.Entity e) {
            return "entity " + e.get(":db/id");
        }
        if (v instanceof java.util.Collection<?> coll) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object o : coll) {
                out.add(normalize(o));
            }
            return out;
        }
        return DatomicMirror.toChronon(v);
    }
}
