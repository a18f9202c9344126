package io.chronon.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What picocli could change and the node's options keep: repeated options, the order of --config files, a file that is not HOCON. */
class NodeOptionsTest {

    @Test
    void aRepeatedOptionKeepsItsLastValueAndListsAddUp() {
        Config c = NodeOptions.parse(new String[]{"--port", "1", "--port", "2", "--roles", "query", "--roles", "transactor",
                "--seed", "127.0.0.1:25520", "--seed", "127.0.0.1:25521", "--access-key", "a:1", "--access-key", "b:2"});
        assertEquals(2, c.getInt("chronon.http.port"));
        assertEquals(List.of("transactor"), c.getStringList("chronon.node.roles"));
        assertEquals(List.of("127.0.0.1:25520", "127.0.0.1:25521"), c.getStringList("chronon.node.seed-nodes"));
        assertEquals(List.of("a:1", "b:2"), c.getStringList("chronon.http.access-keys"));
        assertFalse(c.hasPath("chronon.http.enabled"), "only the options given");
    }

    @Test
    void aLaterConfigFileWinsAndOptionsWinOverFiles(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("first.conf"), "chronon.http.port = 1\nchronon.http.host = \"10.0.0.1\"\n");
        Path second = Files.writeString(dir.resolve("second.conf"), "chronon.http.port = 2\n");
        Config c = NodeOptions.parse(new String[]{"--config", first.toString(), "--config", second.toString()});
        assertEquals(2, c.getInt("chronon.http.port"));
        assertEquals("10.0.0.1", c.getString("chronon.http.host"));
        assertEquals(3, NodeOptions.parse(new String[]{"--port", "3", "--config", second.toString()}).getInt("chronon.http.port"));
    }

    /** A file that is not HOCON is a refused start ("Chronon node not started: ...", status 2), found when the node starts. */
    @Test
    void aConfigFileThatIsNotHoconFailsWhenTheOptionsBecomeConfiguration(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.conf"), "chronon.http.port = {\n");
        NodeOptions options = new NodeOptions();
        NodeOptions.commandLine(options).parseArgs("--config", bad.toString());
        assertThrows(ConfigException.class, options::overrides);
    }
}
