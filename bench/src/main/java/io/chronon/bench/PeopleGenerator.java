package io.chronon.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The people workload's data, generated exactly as WORKLOAD.md §3.1 prescribes: a SplitMix64
 * stream seeded with {@link #SEED} for persons (person i depends only on i, so the 20k file
 * is the first 20,000 persons of the 200k set) and one seeded with {@code SEED + 1} for the
 * N/2 distinct {@code :follows} edges of an N-person set.
 *
 * <p>Everything is produced as EDN text in the data file's exact layout, so each system
 * reads it with its own reader and gets its native data.
 */
public final class PeopleGenerator {
    /** The workload's seed. */
    public static final long SEED = 20240611L;

    static final String[] NAMES = {"Ivan", "Petr", "Sergei", "Oleg", "Yuri", "Dmitry", "Fedor", "Denis"};
    static final String[] LAST_NAMES = {"Ivanov", "Petrov", "Sidorov", "Kovalev", "Kuznetsov", "Voronoi"};
    static final String[] SEXES = {"male", "female"};

    /** The attributes that {@code people20k-idx} marks {@code :db/index true}. */
    static final List<String> INDEXED_ATTRS = List.of("name", "last-name", "sex", "age", "salary");

    private PeopleGenerator() {
    }

    /** One person of the stream; {@code sex} is the keyword's name. */
    public record Person(long id, String name, String lastName, String sex, long age, long salary) {
        /** The person as the data file writes it: one EDN map. */
        public String toEdn() {
            return "{:id " + id + ", :name \"" + name + "\", :last-name \"" + lastName + "\", :sex :" + sex
                    + ", :age " + age + ", :salary " + salary + "}";
        }
    }

    /** One {@code :follows} edge between two persons' {@code :id}s. */
    public record Edge(long from, long to) {
        /** The edge as the data file writes it: a {@code :db/add} with lookup refs. */
        public String toEdn() {
            return "[:db/add [:id " + from + "] :follows [:id " + to + "]]";
        }
    }

    /** Persons {@code first .. first+count-1} of the stream (ids start at 1). */
    public static List<Person> persons(long first, int count) {
        List<Person> out = new ArrayList<>(count);
        forEachPerson(first + count - 1, p -> {
            if (p.id() >= first) {
                out.add(p);
            }
        });
        return out;
    }

    /** Persons 1 .. {@code count} of the stream, in order, to {@code each} (what {@link #persons} holds, without holding them). */
    public static void forEachPerson(long count, java.util.function.Consumer<Person> each) {
        SplitMix64 rnd = new SplitMix64(SEED);
        for (long i = 1; i <= count; i++) {
            String name = NAMES[rnd.nextInt(NAMES.length)];
            String lastName = LAST_NAMES[rnd.nextInt(LAST_NAMES.length)];
            String sex = SEXES[rnd.nextInt(SEXES.length)];
            long age = rnd.nextInt(100);
            long salary = rnd.nextInt(100_000);
            each.accept(new Person(i, name, lastName, sex, age, salary));
        }
    }

    /** The N/2 distinct edges of an N-person data set, in generation order. */
    public static List<Edge> edges(int n) {
        SplitMix64 rnd = new SplitMix64(SEED + 1);
        int wanted = n / 2;
        List<Edge> out = new ArrayList<>(wanted);
        Set<Long> seen = new HashSet<>(wanted * 2);
        while (out.size() < wanted) {
            long from = 1 + rnd.nextInt(n);
            long to = 1 + rnd.nextInt(n);
            if (to == from) {
                to = (from % n) + 1;
            }
            if (seen.add(from * (n + 1L) + to)) {
                out.add(new Edge(from, to));
            }
        }
        return out;
    }

    /**
     * The schema transaction of WORKLOAD.md §3.2 as EDN, laid out as in the data file; with
     * {@code indexed}, {@code :db/index true} on the five person attributes
     * ({@code people20k-idx}).
     */
    public static String schemaEdn(boolean indexed) {
        String[][] attrs = {
            {"id", "long"}, {"name", "string"}, {"last-name", "string"}, {"sex", "keyword"},
            {"age", "long"}, {"salary", "long"}, {"follows", "ref"},
        };
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < attrs.length; i++) {
            String ident = attrs[i][0];
            if (i > 0) {
                sb.append("\n ");
            }
            sb.append("{:db/ident :").append(ident)
                    .append(", :db/valueType :db.type/").append(attrs[i][1])
                    .append(", :db/cardinality :db.cardinality/").append(ident.equals("follows") ? "many" : "one");
            if (ident.equals("id")) {
                sb.append(", :db/unique :db.unique/identity");
            }
            if (indexed && INDEXED_ATTRS.contains(ident)) {
                sb.append(", :db/index true");
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    /** The EDN lines of some persons, one map per line. */
    public static String personsEdn(List<Person> persons) {
        StringBuilder sb = new StringBuilder(persons.size() * 80);
        for (Person p : persons) {
            sb.append(p.toEdn()).append('\n');
        }
        return sb.toString();
    }

    /** The EDN lines of some edges, one {@code :db/add} per line. */
    public static String edgesEdn(List<Edge> edges) {
        StringBuilder sb = new StringBuilder(edges.size() * 44);
        for (Edge e : edges) {
            sb.append(e.toEdn()).append('\n');
        }
        return sb.toString();
    }

    /** SplitMix64, exactly as §3.1 states it; {@code nextInt} reads the output as unsigned. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long next64() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        int nextInt(int bound) {
            return (int) Long.remainderUnsigned(next64(), bound);
        }
    }
}
