package io.chronon.db;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The order of values in every index must be a total order, across numeric types too. */
class ValuesCompareTest {
    private static List<Object> numbers(Random r) {
        List<Object> out = new ArrayList<>(List.of(Double.NaN, Float.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0L, -0.0, 0.0, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
                Double.MAX_VALUE, -Double.MAX_VALUE, new BigDecimal("1E400"), new BigDecimal("-1E400"), BigDecimal.ZERO,
                new BigInteger("123456789012345678901234567890"), new BigInteger("-5"), 2.5f, 7));
        for (int i = 0; i < 60; i++) {
            switch (r.nextInt(5)) {
                case 0 -> out.add((long) r.nextInt(21) - 10);
                case 1 -> out.add(r.nextInt(41) / 4.0 - 5);
                case 2 -> out.add(BigDecimal.valueOf(r.nextInt(41) - 20, r.nextInt(3)));
                case 3 -> out.add(BigInteger.valueOf(r.nextInt(21) - 10));
                default -> out.add((float) (r.nextInt(41) / 4.0 - 5));
            }
        }
        return out;
    }

    /** Before, NaN sorted above 5 (a long), 5 above 0M, and 0M above NaN. */
    @Test
    void numbersOfEveryTypeAreTotallyOrdered() {
        List<Object> xs = numbers(new Random(23));
        for (Object a : xs) {
            assertEquals(0, Integer.signum(Values.compare(a, a)), String.valueOf(a));
            for (Object b : xs) {
                int ab = Integer.signum(Values.compare(a, b));
                assertEquals(-ab, Integer.signum(Values.compare(b, a)), a + " " + b);
                for (Object c : xs) {
                    if (ab <= 0 && Values.compare(b, c) <= 0 && Values.compare(a, c) > 0) {
                        fail("not transitive: " + a + " <= " + b + " <= " + c + " but " + a + " > " + c);
                    }
                }
            }
        }
    }

    @Test
    void nanIsAboveEveryNumberAndTheInfinitiesBoundTheFiniteOnes() {
        for (Object n : List.of(5L, new BigDecimal("1E400"), new BigInteger("-7"), Double.POSITIVE_INFINITY, 1.5)) {
            assertTrue(Values.compare(Double.NaN, n) > 0, String.valueOf(n));
        }
        assertTrue(Values.compare(Double.POSITIVE_INFINITY, new BigDecimal("1E400")) > 0);
        assertTrue(Values.compare(Double.NEGATIVE_INFINITY, new BigDecimal("-1E400")) < 0);
        // numerically equal values of different types are ordered by type, as everywhere in the index
        assertTrue(Values.compare(Double.NaN, Float.NaN) < 0);
    }
}
