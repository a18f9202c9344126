package io.chronon.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.sharding.wire.ChrononError;

import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an error's body tells a client (issue 16: internal errors named Java exceptions and files). */
class HttpErrorTest {
    @Test
    void anInternalFaultSaysOnlyItsIdNotTheException() {
        ChrononError fault = ChrononError.of(new UncheckedIOException(
                new java.io.IOException("/var/lib/chronon/journal/people/00000000000000000001.log: Input/output error")));
        assertEquals(ErrorCategory.FAULT, fault.category());
        assertEquals(500, HttpError.status(fault.category()));
        Map<Object, Object> body = HttpError.body(fault);
        String message = (String) body.get(Keyword.of("message"));
        String id = (String) body.get(Keyword.of("error-id"));
        assertTrue(id != null && !id.isEmpty(), body.toString());
        assertTrue(message.contains(id), message);
        String shown = body.toString();
        assertFalse(shown.contains("Exception"), shown);
        assertFalse(shown.contains("/var/lib"), shown);
        assertEquals(Keyword.of("chronon.error/fault"), body.get(Keyword.of("code")));
        // another fault, another id
        assertFalse(id.equals(HttpError.body(fault).get(Keyword.of("error-id"))));
    }

    @Test
    void aClientsMistakeKeepsItsMessageAndForm() {
        Map<Object, Object> body = HttpError.body(ChrononError.incorrect("db.error/not-an-entity", "Unable to resolve entity: :nope",
                Keyword.of("nope")));
        assertEquals("Unable to resolve entity: :nope", body.get(Keyword.of("message")));
        assertEquals(Keyword.of("nope"), body.get(Keyword.of("form")));
    }

    /**
     * A message that quotes what the client sent (a 12 MB query text) is cut to its start, and a
     * form as deep as a body may be is printed on any thread's stack (issue 16: a 1,900-deep form
     * overflowed a dispatcher's stack while its error was written, a 500 without a body).
     */
    @Test
    void aLongMessageAndADeepFormAreCut() throws Exception {
        Object deep = io.chronon.edn.EdnReader.read("[".repeat(1_999) + "1" + "]".repeat(1_999));
        ChrononError e = ChrononError.incorrect("db.error/invalid-query", "A query must be ..., got " + "x".repeat(100_000), deep);
        Object[] body = new Object[1];
        assertEquals(null, JsonConventionTest.onSmallStack(() -> body[0] = HttpError.body(e)));
        Map<?, ?> m = (Map<?, ?>) body[0];
        String message = (String) m.get(Keyword.of("message"));
        assertTrue(message.length() <= 2_003 && message.endsWith("..."), message.length() + " chars");
        String form = (String) m.get(Keyword.of("form"));
        assertTrue(form.startsWith("[[[[") && form.length() <= 2_003, form.length() + " chars");
        // a short form stays data
        assertEquals(Keyword.of("nope"), HttpError.body(ChrononError.incorrect("x/y", "m", Keyword.of("nope"))).get(Keyword.of("form")));
    }
}
