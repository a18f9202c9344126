package io.chronon.query;

/**
 * Options of one query run. All are optional; {@link #DEFAULTS} sets none.
 *
 * @param timeoutMillis stop the query with an {@code interrupted} error once this many
 *                      milliseconds have passed; 0 or less for no timeout
 * @param limit         return at most this many results (after {@code :offset}); negative
 *                      for no limit. Overrides the query's {@code :limit}.
 * @param offset        skip this many results first; 0 for none. Overrides the query's
 *                      {@code :offset} when positive.
 */
public record QueryOptions(long timeoutMillis, int limit, int offset) {
    /** No timeout, no limit, no offset. */
    public static final QueryOptions DEFAULTS = new QueryOptions(0, -1, 0);

    public QueryOptions {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    /** These options with a timeout. */
    public QueryOptions withTimeoutMillis(long millis) {
        return new QueryOptions(millis, limit, offset);
    }

    /** These options with a result limit. */
    public QueryOptions withLimit(int n) {
        return new QueryOptions(timeoutMillis, n, offset);
    }

    /** These options with a result offset. */
    public QueryOptions withOffset(int n) {
        return new QueryOptions(timeoutMillis, limit, n);
    }
}
