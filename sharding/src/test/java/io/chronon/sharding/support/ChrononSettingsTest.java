package io.chronon.sharding.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.chronon.edn.Symbol;
import io.chronon.sharding.EvenAge;
import io.chronon.sharding.IncrementBy;
import io.chronon.tx.AttrPredicate;
import io.chronon.tx.EntityPredicate;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The predicates a node's configuration registers (chronon.tx-predicates). */
class ChrononSettingsTest {
    @Test
    void aPredicateClassIsRegisteredForEachKindItImplements() {
        var preds = ConfigFactory.parseString("{ \"my.ns/even?\" = \"" + EvenAge.class.getName() + "\" }");
        Map<Symbol, AttrPredicate> attr = ChrononSettings.predicates(preds, AttrPredicate.class);
        Map<Symbol, EntityPredicate> entity = ChrononSettings.predicates(preds, EntityPredicate.class);
        assertTrue(attr.get(Symbol.of("my.ns", "even?")).test(4L));
        assertTrue(entity.containsKey(Symbol.of("my.ns", "even?")));
    }

    @Test
    void aClassOfNeitherKindIsRefusedAtStart() {
        var preds = ConfigFactory.parseString("{ \"my.ns/p\" = \"" + IncrementBy.class.getName() + "\" }");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChrononSettings.predicates(preds, AttrPredicate.class));
        assertTrue(e.getMessage().contains("implements neither"), e.getMessage());
        var missing = ConfigFactory.parseString("{ \"my.ns/p\" = \"com.example.Missing\" }");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChrononSettings.predicates(missing, EntityPredicate.class))
                .getMessage().contains("cannot load com.example.Missing"));
    }

    @Test
    void theReferenceConfigurationRegistersNone() {
        ChrononSettings s = ChrononSettings.from(ConfigFactory.load());
        assertEquals(Map.of(), s.attrPredicates());
        assertEquals(Map.of(), s.txOptions(() -> 0L).entityPredicates());
    }
}
