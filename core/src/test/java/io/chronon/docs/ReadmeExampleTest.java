package io.chronon.docs;

import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.pull.Pull;
import io.chronon.query.Datalog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java example of the README, as written there: the docs must match the code. */
class ReadmeExampleTest {
    @Test
    void readmeExampleRunsAsDocumented() {
        DbValue db = DbValue.empty();
        db = db.with((List<?>) EdnReader.read("""
            [{:db/ident :person/name :db/valueType :db.type/string
              :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}]
            """)).dbAfter();
        db = db.with((List<?>) EdnReader.read("[{:person/name \"Ada\"}]")).dbAfter();
        Object names = Datalog.q("[:find [?n ...] :where [_ :person/name ?n]]", db);
        Map<Object, Object> ada = Pull.pull(db, "[:person/name]", EdnReader.read("[:person/name \"Ada\"]"));

        assertEquals(List.of("Ada"), names);
        assertEquals(Map.of(Keyword.of("person/name"), "Ada"), ada);
    }
}
