package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/** A named set of permissions, granted to users. */
public record Role(String name, Set<Permission> permissions) implements CborSerializable {
    public Role {
        permissions = Set.copyOf(permissions);
    }

    /** This role with {@code p} added or taken away. */
    public Role with(Permission p, boolean granted) {
        Set<Permission> s = new LinkedHashSet<>(permissions);
        if (granted) {
            s.add(p);
        } else {
            s.remove(p);
        }
        return new Role(name, s);
    }

    /** The permissions in a stable order (by text), for answers. */
    public java.util.List<Permission> sorted() {
        return permissions.stream().sorted(Comparator.comparing(Permission::toString)).toList();
    }
}
