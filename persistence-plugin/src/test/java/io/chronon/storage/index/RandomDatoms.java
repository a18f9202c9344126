package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Seeded random datoms like a database's: a few hundred entities, attributes each of one value
 * type (long, string, keyword, boolean, double, instant, uuid, ref, bigdec, bigint, bytes, uri,
 * tuple) and one of mixed types, transactions spread over a few thousand t, some retractions.
 */
final class RandomDatoms {
    static final long FIRST_ATTRIBUTE = 72;
    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "épsilon", "zeta", "日本", "theta", "", "iota"};
    private static final int TYPES = 14;

    private final Random random;
    private final int entities;

    RandomDatoms(long seed, int entities) {
        this.random = new Random(seed);
        this.entities = entities;
    }

    Random random() {
        return random;
    }

    long entity() {
        return Ids.entid(Ids.PART_USER, 1 + random.nextInt(entities));
    }

    /** One random datom; attribute {@code 72 + k} holds values of kind {@code k}, the last one of every kind. */
    Datom datom() {
        int kind = random.nextInt(TYPES + 1);
        long a = FIRST_ATTRIBUTE + kind;
        Object v = value(kind == TYPES ? random.nextInt(TYPES) : kind);
        long tx = Ids.tToTx(1000 + random.nextInt(3000));
        return new Datom(entity(), a, v, tx, random.nextInt(8) != 0);
    }

    Object value(int kind) {
        return switch (kind) {
            case 0 -> (long) random.nextInt(2000) - 1000;
            case 1 -> WORDS[random.nextInt(WORDS.length)] + (random.nextBoolean() ? "-" + random.nextInt(500) : "");
            case 2 -> Keyword.of("status", WORDS[random.nextInt(4)]);
            case 3 -> random.nextBoolean();
            // no NaN: Values.compare orders it above every long and double but below every
            // BigInteger and BigDecimal (toBigDecimal maps it to -10 * Double.MAX_VALUE), a cycle
            // the orders of mixed values (VAET, tuples) trip over; the codec test round-trips it
            case 4 -> random.nextInt(20) == 0 ? Double.NEGATIVE_INFINITY : random.nextGaussian() * 100;
            case 5 -> new Date(1_700_000_000_000L + random.nextInt(1_000_000) * 1000L);
            case 6 -> new UUID(random.nextInt(50), random.nextLong());
            case 7 -> entity();
            case 8 -> new BigDecimal(BigInteger.valueOf(random.nextInt(100_000)), random.nextInt(4));
            case 9 -> BigInteger.valueOf(random.nextLong()).shiftLeft(random.nextInt(70));
            case 10 -> {
                byte[] b = new byte[random.nextInt(6)];
                random.nextBytes(b);
                yield b;
            }
            case 11 -> URI.create("https://example.org/" + random.nextInt(100));
            case 12 -> List.of((long) random.nextInt(10), WORDS[random.nextInt(3)]);
            default -> random.nextFloat();
        };
    }

    /** {@code n} distinct random datoms, ascending in {@code type}'s order. */
    List<Datom> sorted(IndexType type, int n) {
        TreeSet<Datom> set = new TreeSet<>(type.comparator());
        while (set.size() < n) {
            set.add(datom());
        }
        return new ArrayList<>(set);
    }

    /** A bound for a range: a present datom, a random one, or one with the open values of a slice (MIN, MAX). */
    Datom bound(List<Datom> present) {
        int pick = random.nextInt(10);
        if (pick < 5 && !present.isEmpty()) {
            return present.get(random.nextInt(present.size()));
        }
        if (pick < 8) {
            return datom();
        }
        boolean low = random.nextBoolean();
        Datom d = datom();
        return new Datom(d.e(), d.a(), low ? Values.MIN : Values.MAX, low ? 0 : Long.MAX_VALUE, !low);
    }
}
