package io.chronon.pull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The data both differential suites pull from, transacted into Datomic and mirrored into
 * Chronon: people with scalars of most types, refs both ways with cycles ({@code :p/friend},
 * {@code :p/best}), an enum ({@code :p/sex}), components nested two deep (addresses, pets
 * with toys), a plain ref inside a component (an address's city), more than 1000 values of
 * a cardinality-many attribute, and more than 1000 referrers of one entity. A third
 * transaction changes some of it, for the as-of and since views.
 */
final class DifferentialData {
    static final int PEOPLE = 24;
    /** People with ids in the friend graph; kept small so that unbounded recursion stays cheap. */
    static final int CIRCLE = 10;
    static final int FANS = 1100;

    private static DifferentialData shared;

    /** The data built from {@code seed} once per test run (building it takes seconds), shared by the suites. */
    static synchronized DifferentialData shared(long seed) {
        if (shared == null || shared.seed != seed) {
            shared = new DifferentialData(seed);
        }
        return shared;
    }

    final long seed;
    final DatomicMirror mirror;
    final Map<String, Long> ids;
    /** The t of the data transaction (before the changes). */
    final long dataT;
    /** LazyEntity references (EDN text) worth pulling. */
    final List<String> eids = new ArrayList<>();

    DifferentialData(long seed) {
        this.seed = seed;
        mirror = new DatomicMirror();
        mirror.transact(SCHEMA);
        Random r = new Random(seed);
        StringBuilder tx = new StringBuilder("[");
        for (int i = 0; i < PEOPLE; i++) {
            tx.append("{:db/id \"p").append(i).append("\" :e/key \"p").append(i).append('"');
            if (r.nextInt(5) > 0) {
                tx.append(" :p/name \"name").append(i).append('"');
            }
            if (r.nextInt(3) > 0) {
                tx.append(" :p/age ").append(18 + r.nextInt(60));
            }
            if (r.nextBoolean()) {
                tx.append(" :p/score ").append(r.nextInt(1000) / 8.0);
            }
            if (r.nextInt(3) == 0) {
                tx.append(" :p/alive ").append(r.nextBoolean());
            }
            if (r.nextInt(3) == 0) {
                tx.append(" :p/born #inst \"19").append(50 + r.nextInt(49)).append("-0").append(1 + r.nextInt(9))
                        .append("-1").append(r.nextInt(10)).append("T10:00:00.000-00:00\"");
            }
            if (r.nextInt(4) == 0) {
                tx.append(" :p/uuid #uuid \"").append(new java.util.UUID(r.nextLong(), r.nextLong())).append('"');
            }
            int tags = r.nextInt(4);
            if (tags > 0) {
                tx.append(" :p/tags [");
                for (int k = 0; k < tags; k++) {
                    tx.append(" :tag/t").append(r.nextInt(8));
                }
                tx.append(']');
            }
            if (r.nextInt(3) == 0) {
                tx.append(" :p/nums [").append(r.nextInt(50)).append(' ').append(r.nextInt(50) - 25).append(']');
            }
            if (r.nextInt(4) > 0) {
                tx.append(" :p/sex ").append(List.of(":sex/male", ":sex/female", ":sex/other").get(r.nextInt(3)));
            }
            if (i < CIRCLE) {
                int friends = r.nextInt(3);
                if (friends > 0) {
                    tx.append(" :p/friend [");
                    for (int k = 0; k < friends; k++) {
                        tx.append(" \"p").append(r.nextInt(CIRCLE)).append('"');
                    }
                    tx.append(']');
                }
                if (r.nextInt(3) > 0) {
                    tx.append(" :p/best \"p").append(r.nextInt(CIRCLE)).append('"');
                }
            } else if (r.nextBoolean()) {
                tx.append(" :p/best \"p").append(r.nextInt(PEOPLE)).append('"');
            }
            if (r.nextBoolean()) {
                tx.append(" :p/addr {:db/id \"addr").append(i).append("\" :a/street \"street").append(r.nextInt(9))
                        .append('"');
                if (r.nextBoolean()) {
                    tx.append(" :a/city \"city").append(r.nextInt(3)).append('"');
                }
                tx.append('}');
            }
            int pets = r.nextInt(3);
            if (pets > 0) {
                tx.append(" :p/pets [");
                for (int k = 0; k < pets; k++) {
                    tx.append("{:db/id \"pet").append(i).append('-').append(k).append("\" :pet/name \"pet").append(k)
                            .append('"');
                    if (r.nextBoolean()) {
                        tx.append(" :pet/toy {:db/id \"toy").append(i).append('-').append(k)
                                .append("\" :toy/name \"toy").append(r.nextInt(5)).append("\"}");
                    }
                    tx.append('}');
                }
                tx.append(']');
            }
            tx.append("}\n");
        }
        for (int c = 0; c < 3; c++) {
            tx.append("{:db/id \"city").append(c).append("\" :e/key \"city").append(c).append("\" :c/name \"City ")
                    .append(c).append("\"}\n");
        }
        // p0 has 1500 numbers; p1 follows 1100 fans, who all follow p0
        tx.append("{:db/id \"p0\" :p/nums [");
        for (int k = 0; k < 1500; k++) {
            tx.append(k * 3 - 700).append(' ');
        }
        tx.append("]}\n");
        for (int f = 0; f < FANS; f++) {
            tx.append("{:db/id \"fan").append(f).append("\" :e/key \"fan").append(f).append("\" :p/name \"fan")
                    .append(f).append("\" :p/follows \"p0\"}\n");
        }
        tx.append("{:db/id \"p1\" :p/follows [");
        for (int f = 0; f < FANS; f++) {
            tx.append("\"fan").append(f).append("\" ");
        }
        tx.append("]}]");
        ids = mirror.transact(tx.toString());
        dataT = mirror.ts().get(mirror.ts().size() - 1);

        // changes after dataT: new ages, a retracted friend, new tags, a new person
        StringBuilder change = new StringBuilder("[");
        for (int i = 0; i < PEOPLE; i += 3) {
            change.append("[:db/add [:e/key \"p").append(i).append("\"] :p/age ").append(90 + i).append("]\n");
            change.append("[:db/add [:e/key \"p").append(i).append("\"] :p/tags :tag/late]\n");
        }
        change.append("{:e/key \"late\" :p/name \"late\" :p/friend [[:e/key \"p0\"] [:e/key \"p1\"]] :p/best [:e/key \"p2\"]}\n");
        change.append("]");
        mirror.transact(change.toString());
        String retract = retractFirstFriend();
        if (retract != null) {
            mirror.transact(retract);
        }

        for (int i = 0; i < PEOPLE; i++) {
            eids.add("[:e/key \"p" + i + "\"]");
        }
        // by id too: a root named by its id is "seen" by recursion, one named by a lookup ref is not
        for (int i = 0; i < CIRCLE; i++) {
            eids.add(Long.toString(ids.get("p" + i)));
        }
        for (String key : ids.keySet()) {
            if (key.startsWith("addr") || key.startsWith("pet") || key.startsWith("toy") || key.startsWith("city")) {
                eids.add(Long.toString(ids.get(key)));
            }
        }
        eids.add("[:e/key \"fan7\"]");
        eids.add("[:e/key \"late\"]");
        eids.add("[:e/key \"zzz\"]");
        eids.add(":sex/male");
        eids.add(":p/friend");
        eids.add("999999");
        eids.add(":nope");
    }

    /** Retracts the first friend of the first circle member that has one, if any. */
    private String retractFirstFriend() {
        for (int i = 0; i < CIRCLE; i++) {
            for (io.chronon.db.Datom d : mirror.chronon().datoms(io.chronon.db.IndexType.EAVT, ids.get("p" + i),
                    io.chronon.edn.Keyword.of("p/friend"))) {
                return "[[:db/retract " + d.e() + " :p/friend " + d.v() + "]]";
            }
        }
        return null;
    }

    static final String SCHEMA = "["
            + "{:db/ident :e/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + "{:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/score :db/valueType :db.type/double :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/alive :db/valueType :db.type/boolean :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/born :db/valueType :db.type/instant :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/uuid :db/valueType :db.type/uuid :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}"
            + "{:db/ident :p/nums :db/valueType :db.type/long :db/cardinality :db.cardinality/many}"
            + "{:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}"
            + "{:db/ident :p/best :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/follows :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}"
            + "{:db/ident :p/sex :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}"
            + "{:db/ident :p/addr :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}"
            + "{:db/ident :p/pets :db/valueType :db.type/ref :db/cardinality :db.cardinality/many :db/isComponent true}"
            + "{:db/ident :a/street :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + "{:db/ident :a/city :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}"
            + "{:db/ident :pet/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + "{:db/ident :pet/toy :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}"
            + "{:db/ident :toy/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + "{:db/ident :c/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + "{:db/ident :sex/male} {:db/ident :sex/female} {:db/ident :sex/other}"
            + "]";
}
