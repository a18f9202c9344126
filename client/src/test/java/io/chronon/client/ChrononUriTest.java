package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChrononUriTest {
    @Test
    void parsesTheThreeForms() {
        ChrononUri mem = ChrononUri.parse("chronon:mem://people");
        assertEquals(ChrononUri.Kind.MEM, mem.kind());
        assertEquals("people", mem.database());
        assertTrue(mem.isLocal());

        ChrononUri dir = ChrononUri.parse("chronon:dir:/var/data/people");
        assertEquals(ChrononUri.Kind.DIR, dir.kind());
        assertEquals(Path.of("/var/data"), dir.dir());
        assertEquals("people", dir.database());

        ChrononUri remote = ChrononUri.parse("chronon://key:s%40cr%2Ft@db.example.com:9000/people");
        assertEquals(ChrononUri.Kind.REMOTE, remote.kind());
        assertEquals("db.example.com", remote.host());
        assertEquals(9000, remote.port());
        assertEquals("key", remote.key());
        assertEquals("s@cr/t", remote.secret(), "percent-encoded secrets are decoded");
        assertEquals("people", remote.database());
        assertFalse(remote.isLocal());
        assertFalse(remote.toString().contains("cr"), "toString masks the secret: " + remote);
        assertFalse(remote.tls());

        ChrononUri https = ChrononUri.parse("chronons://key:s%40cr%2Ft@db.example.com:9000/people?query-group=web");
        assertTrue(https.tls(), "chronons:// is HTTPS");
        assertEquals(ChrononUri.Kind.REMOTE, https.kind());
        assertEquals("db.example.com", https.host());
        assertEquals("s@cr/t", https.secret());
        assertEquals("web", https.queryGroup());
        assertEquals("chronons://key:***@db.example.com:9000/people?query-group=web", https.toString());
        assertTrue(https.withDatabase("other").tls());
    }

    @Test
    void placesWithoutADatabaseAndDefaults() {
        assertEquals("", ChrononUri.parse("chronon:mem://").database());
        assertEquals("", ChrononUri.parse("chronon:dir:/tmp/x/").database());
        assertEquals(Path.of("/tmp/x"), ChrononUri.parse("chronon:dir:/tmp/x/").dir());
        ChrononUri server = ChrononUri.parse("chronon://127.0.0.1");
        assertEquals(ChrononUri.DEFAULT_PORT, server.port());
        assertEquals("", server.database());
        assertEquals("k", ChrononUri.parse("chronon://k:s@h/").key());
        assertEquals("db", ChrononUri.parse("chronon://k:s@h:1/").withDatabase("db").database());
        ChrononException e = assertThrows(ChrononException.class, () -> ChrononUri.parse("chronon:mem://").requireDatabase());
        assertEquals(ErrorCategory.INCORRECT, e.category());
    }

    @Test
    void aServerUriMayNameTheQueryGroupOfItsReads() {
        ChrononUri u = ChrononUri.parse("chronon://k:s@h:1/people?query-group=analytics");
        assertEquals("people", u.database());
        assertEquals("analytics", u.queryGroup());
        assertEquals("chronon://k:***@h:1/people?query-group=analytics", u.toString());
        assertEquals("analytics", u.withDatabase("other").queryGroup());
        assertEquals(null, ChrononUri.parse("chronon://k:s@h:1/people").queryGroup());
        assertEquals("g", ChrononUri.parse("chronon://h/?query-group=g").queryGroup());
    }

    @Test
    void rejectsWhatIsNotAChrononUri() {
        for (String bad : new String[] {"http://x/db", "chronon:mem://a/b", "chronon:dir:", "chronon://k:s@h:1/a/b", "people",
                "chronon://h/db?group=x", "chronon://h/db?query-group=", "chronon://h/db?query-group=a&b=c"}) {
            ChrononException e = assertThrows(ChrononException.class, () -> ChrononUri.parse(bad), bad);
            assertEquals(ErrorCategory.INCORRECT, e.category());
        }
        ChrononException masked = assertThrows(ChrononException.class, () -> ChrononUri.parse("chronon://k:topsecret@h:1/a/b"));
        assertFalse(masked.getMessage().contains("topsecret"), masked.getMessage());
    }

    @Test
    void inProcessDatabasesNeedTheNodeModule() {
        // this module's tests run without chronon-cluster-node, as a remote-only program would
        ChrononException e = assertThrows(ChrononException.class, () -> Chronon.connect("chronon:mem://x"));
        assertEquals(ErrorCategory.UNSUPPORTED, e.category());
    }

    @Test
    void serverErrorBodiesKeepTheirCategory() {
        ChrononException e = HttpEdn.error(400, io.chronon.edn.EdnReader.read(
                "{:category :not-found :code :db.error/db-not-found :message \"No database x\" :form \"x\"}"));
        assertEquals(ErrorCategory.NOT_FOUND, e.category());
        assertEquals("No database x", e.getMessage());
        assertEquals("x", e.form());
        assertEquals(ErrorCategory.FORBIDDEN, HttpEdn.error(401, null).category());
        assertEquals(ErrorCategory.BUSY, HttpEdn.error(429, "Too many").category());
        assertEquals(ErrorCategory.UNAVAILABLE, HttpEdn.error(503, null).category());
    }
}
