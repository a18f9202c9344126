package io.chronon.query;

import io.chronon.edn.Symbol;
import io.chronon.query.Query.Rule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed queries and rule sets by their text: a bounded, thread-safe least-recently-used
 * cache, so a query passed as the same string again is not parsed again. Only parsing is
 * cached, never results (a result depends on the database and inputs).
 */
final class QueryCache {
    static final int CAPACITY = 1024;
    /**
     * Longer texts are parsed every time, not kept: a request body may hold a query of up to
     * 16 MB, and 1,024 of them would fill a heap. 8,192 characters is far more than any query
     * a person writes; the cache holds at most about 16 MB of text per kind.
     */
    static final int MAX_CACHED_CHARS = 8192;

    private static final Map<String, Query> QUERIES = lru();
    private static final Map<String, Map<Symbol, List<Rule>>> RULES = lru();

    private QueryCache() {
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CAPACITY;
            }
        };
    }

    /** The parsed query: from the cache for a string seen before, else parsed (and cached if a string). */
    static Query query(Object form) {
        if (!(form instanceof String text) || text.length() > MAX_CACHED_CHARS) {
            return QueryParser.parse(form);
        }
        synchronized (QUERIES) {
            Query q = QUERIES.get(text);
            if (q != null) {
                return q;
            }
        }
        Query q = QueryParser.parse(text);
        synchronized (QUERIES) {
            QUERIES.put(text, q);
        }
        return q;
    }

    /** The parsed rules of a {@code %} input. */
    static Map<Symbol, List<Rule>> rules(Object form) {
        if (!(form instanceof String text) || text.length() > MAX_CACHED_CHARS) {
            return QueryParser.parseRules(form);
        }
        synchronized (RULES) {
            Map<Symbol, List<Rule>> r = RULES.get(text);
            if (r != null) {
                return r;
            }
        }
        Map<Symbol, List<Rule>> r = QueryParser.parseRules(text);
        synchronized (RULES) {
            RULES.put(text, r);
        }
        return r;
    }

    /** Empties the cache (for tests). */
    static void clear() {
        synchronized (QUERIES) {
            QUERIES.clear();
        }
        synchronized (RULES) {
            RULES.clear();
        }
    }

    static int size() {
        synchronized (QUERIES) {
            return QUERIES.size();
        }
    }
}
