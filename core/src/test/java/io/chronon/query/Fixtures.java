package io.chronon.query;

import io.chronon.db.DbValue;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;

import java.util.List;

/** Small databases for query tests, built with the transaction processor from EDN text. */
final class Fixtures {
    private Fixtures() {
    }

    static final String SCHEMA = """
            [{:db/ident :name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :heads :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :salary :db/valueType :db.type/double :db/cardinality :db.cardinality/one}
             {:db/ident :friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :tag :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}
             {:db/ident :bio :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/fulltext true}
             {:db/ident :red} {:db/ident :blue}]
            """;

    static final String PEOPLE = """
            [{:db/id "a" :name "Ivan" :age 15 :heads 1 :color :red :friend ["b" "c"] :bio "likes chess and tea"}
             {:db/id "b" :name "Petr" :age 37 :heads 1 :color :blue :friend ["c"] :bio "plays chess"}
             {:db/id "c" :name "Oleg" :age 20 :heads 3 :tag [:x :y]}
             {:db/id "d" :name "Ivan2" :age 10 :heads 1}]
            """;

    /** The schema and four people: Ivan (15) friends with Petr and Oleg, Petr (37) with Oleg, Oleg (20), Ivan2 (10). */
    static DbValue people() {
        return build(SCHEMA, PEOPLE);
    }

    static DbValue build(String... txs) {
        DbValue db = DbValue.empty();
        for (String tx : txs) {
            db = LayeredValues.maybeSplit(transact(db, tx).dbAfter());
        }
        return db;
    }

    static TxOutcome transact(DbValue db, String tx) {
        return TxProcessor.transact(db, (List<?>) EdnReader.read(tx), TxOptions.defaults());
    }

    static long eid(DbValue db, String name) {
        return db.entid(List.of(Keyword.of("name"), name));
    }

    static Object edn(String s) {
        return EdnReader.read(s);
    }
}
