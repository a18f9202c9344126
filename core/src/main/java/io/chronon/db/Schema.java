package io.chronon.db;

import io.chronon.edn.Keyword;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The idents and installed attributes of one db value. Immutable: a transaction that
 * changes schema or idents produces a new Schema (copy on write; schema changes are rare).
 * Attribute lookup by id is an array access, since attributes live in {@code :db.part/db}
 * with small ids.
 */
public final class Schema {
    private final Map<Keyword, Long> identToId;
    private final Map<Long, Keyword> idToIdent;
    private final Attribute[] attrsById;
    private final Map<Long, Attribute> attrsOther;

    Schema(Map<Keyword, Long> identToId, Map<Long, Keyword> idToIdent, Map<Long, Attribute> attributes) {
        this.identToId = Collections.unmodifiableMap(identToId);
        this.idToIdent = Collections.unmodifiableMap(idToIdent);
        long max = 0;
        for (long id : attributes.keySet()) {
            if (id < (1 << 20)) {
                max = Math.max(max, id);
            }
        }
        this.attrsById = new Attribute[(int) max + 1];
        Map<Long, Attribute> other = new HashMap<>();
        for (Attribute a : attributes.values()) {
            if (a.id() < (1 << 20)) {
                attrsById[(int) a.id()] = a;
            } else {
                other.put(a.id(), a);
            }
        }
        this.attrsOther = other;
    }

    /** The entity id of an ident, or null. */
    public Long entid(Keyword ident) {
        return identToId.get(ident);
    }

    /** The ident of an entity, or null. */
    public Keyword ident(long id) {
        return idToIdent.get(id);
    }

    /** The attribute with entity id {@code id}, or null if {@code id} is not an installed attribute. */
    public Attribute attribute(long id) {
        if (id >= 0 && id < attrsById.length) {
            return attrsById[(int) id];
        }
        return attrsOther.isEmpty() ? null : attrsOther.get(id);
    }

    /** The attribute named {@code ident}, or null. */
    public Attribute attribute(Keyword ident) {
        Long id = identToId.get(ident);
        return id == null ? null : attribute(id);
    }

    /** All installed attributes. */
    public Collection<Attribute> attributes() {
        Map<Long, Attribute> all = new HashMap<>(attrsOther);
        for (Attribute a : attrsById) {
            if (a != null) {
                all.put(a.id(), a);
            }
        }
        return all.values();
    }

    /** All idents and their entity ids. */
    public Map<Keyword, Long> idents() {
        return identToId;
    }

    /** A builder starting from this schema. */
    Builder toBuilder() {
        return new Builder(this);
    }

    /** Collects changes for the next schema. */
    static final class Builder {
        final Map<Keyword, Long> identToId;
        final Map<Long, Keyword> idToIdent;
        final Map<Long, Attribute> attributes = new HashMap<>();

        Builder(Schema from) {
            identToId = new HashMap<>(from == null ? Map.of() : from.identToId);
            idToIdent = new HashMap<>(from == null ? Map.of() : from.idToIdent);
            if (from != null) {
                for (Attribute a : from.attributes()) {
                    attributes.put(a.id(), a);
                }
            }
        }

        Schema build() {
            return new Schema(identToId, idToIdent, attributes);
        }
    }
}
