package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;

import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * The errors a transaction can be rejected with. Codes and categories are Datomic's (as
 * observed on 1.0.7622); messages name the offending form, and {@link ChrononException#form()}
 * carries it.
 */
final class TxErrors {
    private TxErrors() {
    }

    static String print(Object form) {
        try {
            return EdnPrinter.print(form);
        } catch (RuntimeException e) {
            return String.valueOf(form);
        }
    }

    /** A datom for messages: {@code [e :attr/ident v added]}. */
    static List<Object> show(DbValue db, Datom d) {
        Keyword ident = db.schema().ident(d.a());
        return Arrays.asList(d.e(), ident == null ? (Object) d.a() : ident, d.v(), d.added());
    }

    static ChrononException notTransactionData(Object form) {
        return ChrononException.incorrect("db.error/not-transaction-data",
                "Transaction data element must be a List or Map, got " + print(form), form);
    }

    static ChrononException invalidStatement(String why, Object form) {
        return ChrononException.incorrect("db.error/invalid-statement", why + ": " + print(form), form);
    }

    static ChrononException notADataFunction(Object op, Object form) {
        return ChrononException.incorrect("db.error/not-a-data-function",
                "Unable to resolve data function: " + print(op), form);
    }

    static ChrononException notAnEntity(Object ref, Object form) {
        return ChrononException.incorrect("db.error/not-an-entity",
                "Unable to resolve entity: " + print(ref) + (form == null || form == ref ? "" : " in " + print(form)),
                form == null ? ref : form);
    }

    static ChrononException tempidNotAllowed(Object ref, String where, Object form) {
        return ChrononException.incorrect("db.error/not-an-entity",
                "A tempid cannot name the entity of " + where + " (it must already exist): " + print(ref)
                        + " in " + print(form), form);
    }

    static ChrononException invalidEntityId(long id, Object form) {
        return ChrononException.incorrect("db.error/invalid-entity-id",
                "Invalid entity id: " + id + " in " + print(form), form);
    }

    static ChrononException notAnAttribute(Object attr, Object form) {
        return ChrononException.incorrect("db.error/not-an-attribute",
                print(attr) + " is not an attribute, in " + print(form), form);
    }

    static ChrononException notAKeyword(Object v, Object form) {
        return ChrononException.incorrect("db.error/not-a-keyword",
                "Cannot interpret as a keyword: " + print(v) + ", in " + print(form), form);
    }

    static ChrononException wrongType(Object v, Attribute attr, Object form) {
        return ChrononException.incorrect("db.error/wrong-type-for-attribute",
                "Value " + print(v) + " is not a valid " + attr.valueType().ident() + " for attribute "
                        + attr.ident() + ", in " + print(form), form);
    }

    static ChrononException nilValue(Attribute attr, Object form) {
        return ChrononException.incorrect("db.error/nil-value",
                "Nil is not a legal value, for attribute " + attr.ident() + " in " + print(form), form);
    }

    static ChrononException invalidTupleValue(Object v, Attribute attr, String why, Object form) {
        return ChrononException.incorrect("db.error/invalid-tuple-value",
                "Invalid tuple value " + print(v) + " for attribute " + attr.ident() + ": " + why, form);
    }

    static ChrononException invalidNestedEntity(Object nested) {
        return ChrononException.incorrect("db.error/invalid-nested-entity",
                "Nested entity is not a component and has no :db/id or :db.unique/identity attribute: "
                        + print(nested), nested);
    }

    static ChrononException tempidNotAnEntity(String name, Object form) {
        return ChrononException.incorrect("db.error/tempid-not-an-entity",
                "tempid '" + name + "' used only as value in transaction", form);
    }

    static ChrononException datomsConflict(DbValue db, Datom d1, Datom d2) {
        List<Object> form = List.of(show(db, d1), show(db, d2));
        return ChrononException.incorrect("db.error/datoms-conflict",
                "Two datoms in the same transaction conflict: " + print(form.get(0)) + " and " + print(form.get(1)),
                form);
    }

    static ChrononException uniqueConflict(Attribute attr, Object v, long heldBy, long assertedFor) {
        return ChrononException.conflict("db.error/unique-conflict",
                "Unique conflict: " + attr.ident() + ", value: " + print(v) + " already held by: " + heldBy
                        + " asserted for: " + assertedFor,
                List.of(assertedFor, attr.ident(), v));
    }

    static ChrononException casFailed(Object expected, Object actual, Object form) {
        return ChrononException.conflict("db.error/cas-failed",
                "Compare failed: expected " + print(expected) + ", found " + print(actual) + ", in " + print(form),
                form);
    }

    static ChrononException invalidCas(String why, Object form) {
        return ChrononException.incorrect("db.error/invalid-cas", why + ": " + print(form), form);
    }

    static ChrononException invalidCasMany(Attribute attr, Object form) {
        return ChrononException.incorrect("db.error/invalid-cas-many",
                "attribute must be cardinality-one for :db/cas: " + attr.ident() + " in " + print(form), form);
    }

    static ChrononException pastTxInstant(Date v, long basisInstant) {
        return ChrononException.incorrect("db.error/past-tx-instant",
                "Time conflict: " + print(v) + " is older than database basis " + print(new Date(basisInstant)), v);
    }

    static ChrononException futureTxInstant(Date v, long now) {
        return ChrononException.incorrect("db.error/future-tx-instant",
                "Time conflict: " + print(v) + " is in the future (now is " + print(new Date(now)) + ")", v);
    }

    static ChrononException resetTxInstant(Object form) {
        return ChrononException.incorrect("db.error/reset-tx-instant",
                "You can set :db/txInstant only on the current transaction, and never retract it: " + print(form),
                form);
    }

    static ChrononException attributeIdentMissing(Object entity) {
        return ChrononException.incorrect("db.error/attribute-ident-missing",
                "Missing :db/ident for attribute " + print(entity), entity);
    }

    static ChrononException invalidInstallAttribute(String firstError, String detail, Object entity) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/invalid-install-attribute"),
                "First error: :" + firstError + ": " + detail + ", in " + print(entity), entity);
    }

    static ChrononException invalidAlterAttribute(String error, String detail, Object form) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/invalid-alter-attribute"),
                "Error: :" + error + ": " + detail, form);
    }

    static ChrononException notAValueType(Object v, Object entity) {
        return ChrononException.incorrect("db.error/not-a-value-type",
                "Not a value type: " + print(v) + ", in " + print(entity), entity);
    }

    static ChrononException notACardinality(Object v, Object entity) {
        return ChrononException.incorrect("db.error/not-a-cardinality",
                "Not a cardinality: " + print(v) + ", in " + print(entity), entity);
    }

    static ChrononException notInSystemPartition(long e, Object form) {
        return ChrononException.incorrect("db.error/not-in-system-partition",
                "An attribute must be a new entity in :db.part/db; entity " + e + " is not, in " + print(form), form);
    }

    static ChrononException txFunctionFailed(Keyword fn, RuntimeException cause, Object form) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/transaction-function-failed"),
                "Transaction function " + fn + " failed: " + cause, form, cause);
    }

    static ChrononException tooDeep(Object form) {
        return ChrononException.incorrect("db.error/transaction-too-deep",
                "Transaction functions and nested maps nest deeper than " + TxExpander.MAX_DEPTH + ": " + print(form),
                form);
    }
}
