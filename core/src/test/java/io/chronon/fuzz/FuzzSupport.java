package io.chronon.fuzz;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.util.List;
import java.util.Objects;

/**
 * What the fuzz tests share: the fuzzer's bytes as text, the one error a client may cause,
 * EDN equality that tells lists, vectors and sets apart, and a small database to query,
 * pull from and transact against.
 */
final class FuzzSupport {
    private FuzzSupport() {
    }

    /**
     * The fuzzer's bytes as text: UTF-8, except that a three-byte sequence of a surrogate
     * (which strict UTF-8 refuses) gives that lone surrogate, so that the fuzzer can reach
     * every Java string; any other malformed byte is U+FFFD. Seed files are plain UTF-8 text.
     */
    static String text(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int n = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 ? (c < 0xF0 ? 2 : -1) : c >= 0xC2 ? 1 : -1;
            if (n < 0 || i + n >= b.length) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int cp = n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
            boolean ok = true;
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    ok = false;
                    break;
                }
                cp = cp << 6 | cc & 0x3F;
            }
            if (!ok || n == 2 && cp < 0x800 || n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += n + 1;
        }
        return sb.toString();
    }

    /**
     * The one way a client's request may fail: a {@link ChrononException} that is not a
     * {@link ErrorCategory#FAULT} (the node answers a fault with a 500). Anything else is
     * rethrown, so that the fuzzer reports it.
     */
    static void expectedFailure(RuntimeException e, String input) {
        if (!(e instanceof ChrononException ce)) {
            throw e;
        }
        if (ce.category() == ErrorCategory.FAULT) {
            throw new AssertionError("a fault (HTTP 500) for " + show(input) + ": " + ce.getMessage(), ce);
        }
    }

    /** The input for a message: quoted, shortened. */
    static String show(String input) {
        String s = input.length() <= 300 ? input : input.substring(0, 300) + "...";
        return '"' + s.replace("\n", "\\n") + '"';
    }

    /**
     * The EDN text of a value that a reader, query or pull gave: every value Chronon hands
     * to a client must print, since the node answers in EDN or JSON.
     */
    static String printable(Object value, String input) {
        try {
            return EdnPrinter.print(value);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the result for " + show(input) + " cannot be printed as EDN: " + e.getMessage(), e);
        }
    }

    /** The schema of {@link #smallDb()}: most value types, a unique identity, refs many and component, a tuple. */
    static final String SCHEMA = """
            [{:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :person/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/value}
             {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/index true}
             {:db/ident :person/height :db/valueType :db.type/double :db/cardinality :db.cardinality/one}
             {:db/ident :person/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :person/best :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :person/address :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}
             {:db/ident :person/color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :person/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}
             {:db/ident :person/bio :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/fulltext true}
             {:db/ident :person/born :db/valueType :db.type/instant :db/cardinality :db.cardinality/one}
             {:db/ident :person/id :db/valueType :db.type/uuid :db/cardinality :db.cardinality/one}
             {:db/ident :person/balance :db/valueType :db.type/bigdec :db/cardinality :db.cardinality/one}
             {:db/ident :person/big :db/valueType :db.type/bigint :db/cardinality :db.cardinality/one}
             {:db/ident :person/ratio :db/valueType :db.type/float :db/cardinality :db.cardinality/one}
             {:db/ident :person/home :db/valueType :db.type/uri :db/cardinality :db.cardinality/one}
             {:db/ident :person/key :db/valueType :db.type/bytes :db/cardinality :db.cardinality/one}
             {:db/ident :person/active :db/valueType :db.type/boolean :db/cardinality :db.cardinality/one}
             {:db/ident :person/sym :db/valueType :db.type/symbol :db/cardinality :db.cardinality/one}
             {:db/ident :person/pair :db/valueType :db.type/tuple :db/tupleTypes [:db.type/string :db.type/long] :db/cardinality :db.cardinality/one}
             {:db/ident :address/street :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
             {:db/ident :address/city :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
             {:db/ident :color/red} {:db/ident :color/blue}]""";

    /** Four people who are each other's friends in a cycle, with addresses (components) and a bit of every type. */
    static final String PEOPLE = """
            [{:db/id "ivan" :person/name "Ivan" :person/email "ivan@example.com" :person/age 15 :person/height 1.72
              :person/friend ["petr" "oleg"] :person/best "petr" :person/color :color/red :person/tags [:chess :tea]
              :person/bio "likes chess and tea" :person/born #inst "2010-03-04T05:06:07.089-00:00"
              :person/id #uuid "6b1f3e8a-0c2d-4e5f-8a9b-0c1d2e3f4a5b" :person/balance 10.50M :person/big 123456789012345678901234567890N
              :person/ratio #float 0.5 :person/home #uri "https://example.com/ivan" :person/key #bytes "AQID"
              :person/active true :person/sym ivan :person/pair ["a" 1]
              :person/address {:address/street "1 Main St" :address/city "Springfield"}}
             {:db/id "petr" :person/name "Petr" :person/age 37 :person/height 1.9 :person/friend ["oleg"] :person/best "oleg"
              :person/color :color/blue :person/bio "plays chess" :person/active false
              :person/address {:address/street "2 Side St" :address/city "Springfield"}}
             {:db/id "oleg" :person/name "Oleg" :person/age 20 :person/friend ["ivan" "anna"] :person/best "anna" :person/tags [:go]}
             {:db/id "anna" :person/name "Anna" :person/age 20 :person/friend ["anna"] :person/best "ivan"}]""";

    private static final DbValue SMALL_DB;

    static {
        DbValue db = DbValue.empty();
        for (String tx : List.of(SCHEMA, PEOPLE)) {
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), TxOptions.defaults()).dbAfter();
        }
        db = TxProcessor.transact(db, (List<?>) EdnReader.read(
                "[[:db/add [:person/name \"Anna\"] :person/age 21] [:db/retract [:person/name \"Petr\"] :person/best [:person/name \"Oleg\"]]]"),
                TxOptions.defaults()).dbAfter();
        SMALL_DB = LayeredValues.maybeSplit(db);
    }

    /** A small database (immutable, so shared): {@link #SCHEMA} and {@link #PEOPLE}, then a change. */
    static DbValue smallDb() {
        return Objects.requireNonNull(SMALL_DB);
    }
}
