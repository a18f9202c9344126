package io.chronon.sharding.support;

import java.util.regex.Pattern;

/**
 * How query groups are named and which cluster role serves each: group {@code query} (the
 * default) is served by nodes with role {@code query}, any other group {@code NAME} by nodes
 * with role {@code query-group:NAME}. The one rule for a group's name, used by the settings,
 * the routing and the node's command line.
 */
public final class QueryGroups {
    /** The default query group's name, also its role. */
    public static final String DEFAULT_GROUP = "query";
    /** Prefix of the role of every other query group. */
    public static final String GROUP_ROLE_PREFIX = "query-group:";
    private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private QueryGroups() {
    }

    /** The cluster role that serves query group {@code group}. */
    public static String roleOf(String group) {
        return group.equals(DEFAULT_GROUP) ? DEFAULT_GROUP : GROUP_ROLE_PREFIX + group;
    }

    /** The query group a role serves, or null if it is no query role. */
    public static String groupOf(String role) {
        if (role.equals(DEFAULT_GROUP)) {
            return DEFAULT_GROUP;
        }
        return role.startsWith(GROUP_ROLE_PREFIX) ? role.substring(GROUP_ROLE_PREFIX.length()) : null;
    }

    /** True if {@code name} is a well-formed query group name: lower-case letters, digits and '-', at most 63 characters, not starting with '-'. */
    public static boolean isValidGroupName(String name) {
        return name != null && GROUP_NAME.matcher(name).matches();
    }
}
