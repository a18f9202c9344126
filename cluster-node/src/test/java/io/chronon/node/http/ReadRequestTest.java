package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReadRequestTest {
    private static final Object QUERY = "[:find ?e :where [?e :db/ident]]";

    private static ReadRequest parse(Map<Object, Object> body, Duration defaultTimeout, Duration max) {
        return ReadRequest.parse(ReadRequest.Kind.Q, body, false, defaultTimeout, max);
    }

    @Test
    void aReadWithoutATimeoutGetsTheDefault() {
        assertEquals(Duration.ofSeconds(10), parse(Map.of(Keyword.of("query"), QUERY), Duration.ofSeconds(10), Duration.ofSeconds(60)).timeout());
    }

    /** Before, a cap below the default made every read without :timeout-ms a 400 naming a parameter the client never sent. */
    @Test
    void theCapAlsoBoundsTheDefault() {
        assertEquals(Duration.ofSeconds(5), parse(Map.of(Keyword.of("query"), QUERY), Duration.ofSeconds(10), Duration.ofSeconds(5)).timeout());
        assertEquals(Duration.ofSeconds(3), parse(Map.of(Keyword.of("query"), QUERY, Keyword.of("timeout-ms"), 3000L),
                Duration.ofSeconds(10), Duration.ofSeconds(5)).timeout());
        ChrononException e = assertThrows(ChrononException.class, () -> parse(Map.of(Keyword.of("query"), QUERY,
                Keyword.of("timeout-ms"), 6000L), Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertEquals(Keyword.of("chronon.error/invalid-parameter"), e.code());
    }
}
