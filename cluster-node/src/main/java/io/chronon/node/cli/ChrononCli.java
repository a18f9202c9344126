package io.chronon.node.cli;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Chronon;
import io.chronon.client.ChrononUri;
import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.client.TxReport;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.node.ChrononNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chronon's command line ({@code bin/chronon}): {@code serve} starts a node; the other
 * commands are clients of a node (or of an in-process database) through the Java client:
 * {@code create-db}, {@code delete-db}, {@code list-dbs}, {@code transact}, {@code q},
 * {@code import} and {@code export}. Each answers {@code --help}. Results print as EDN on
 * stdout; errors print on stderr with their category, and the exit status is 1 (2 for a
 * usage error).
 */
public final class ChrononCli {
    /** The server used when neither {@code --uri} nor {@code CHRONON_URI} names one. */
    public static final String DEFAULT_URI = "chronon://127.0.0.1:8998/";

    static final String USAGE = """
            Usage: bin/chronon COMMAND [options]

            Commands:
              serve       start a node (HTTP API on port 8998, data under ./data); see serve --help
              create-db   create a database
              delete-db   delete a database and all its data
              list-dbs    list the databases
              transact    transact EDN tx-data
              q           run a Datalog query
              import      replay an EDN file of transactions into a database, with progress
              export      write a database's transactions to an EDN file that import replays

            The client commands reach the server at --uri URI, else $CHRONON_URI, else
            chronon://127.0.0.1:8998/. Give the access key in it: chronon://KEY:SECRET@HOST:PORT/
            (serve prints a generated one at start). A DB argument is a database name on that
            server, or a whole URI (chronon://KEY:SECRET@HOST:PORT/name, chronon:dir:/path/name).
            COMMAND --help tells more.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final String envUri;

    ChrononCli(PrintStream out, PrintStream err, String envUri) {
        this.out = out;
        this.err = err;
        this.envUri = envUri;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            ChrononNode.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(new ChrononCli(System.out, System.err, System.getenv("CHRONON_URI")).run(args));
    }

    /** Runs one client command; answers the exit status. */
    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return 0;
        }
        Command command = Command.of(args[0]);
        if (command == null) {
            err.println("unknown command: " + args[0]);
            err.print(USAGE);
            return 2;
        }
        Options o;
        try {
            o = Options.parse(command, java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            err.println(args[0] + ": " + e.getMessage());
            err.print(command.help);
            return 2;
        }
        if (o.help) {
            out.print(command.help);
            return 0;
        }
        try {
            return execute(command, o);
        } catch (IllegalArgumentException e) {
            err.println(args[0] + ": " + e.getMessage());
            err.print(command.help);
            return 2;
        } catch (ChrononException e) {
            err.println("error (" + e.category().name().toLowerCase().replace('_', '-') + "): " + e.getMessage());
            if (e.category() == ErrorCategory.FORBIDDEN) {
                err.println("hint: give the access key in the URI: --uri chronon://KEY:SECRET@HOST:PORT/ or CHRONON_URI");
            }
            return 1;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The URI of database {@code db}: a whole URI as is, else a name on the server. */
    String dbUri(Options o, String db) {
        if (db.startsWith("chronon:")) {
            return db;
        }
        return serverUri(o).withDatabase(db).toUriString();
    }

    private ChrononUriText serverUri(Options o) {
        String uri = o.uri != null ? o.uri : envUri != null && !envUri.isBlank() ? envUri : DEFAULT_URI;
        return new ChrononUriText(uri);
    }

    /** A URI as text, with its database replaced (keeping the secret, which {@link ChrononUri#toString} masks). */
    record ChrononUriText(String text) {
        ChrononUriText withDatabase(String db) {
            ChrononUri parsed = ChrononUri.parse(text);
            String base = parsed.database().isEmpty() ? text : text.substring(0, text.length() - parsed.database().length());
            if (parsed.kind() == ChrononUri.Kind.MEM) {
                base = "chronon:mem://";
            } else if (!base.endsWith("/") && !base.endsWith(":")) {
                base = base + "/";
            }
            return new ChrononUriText(base + db);
        }

        String toUriString() {
            return text;
        }
    }

    private int execute(Command command, Options o) throws IOException {
        switch (command) {
            case CREATE_DB -> {
                boolean created = Chronon.createDatabase(dbUri(o, o.arg(0, "DB")));
                out.println(created ? "created " + o.arg(0, "DB") : "exists " + o.arg(0, "DB"));
                return 0;
            }
            case DELETE_DB -> {
                boolean deleted = Chronon.deleteDatabase(dbUri(o, o.arg(0, "DB")));
                out.println(deleted ? "deleted " + o.arg(0, "DB") : "no database " + o.arg(0, "DB"));
                return deleted ? 0 : 1;
            }
            case LIST_DBS -> {
                String place = o.args.isEmpty() ? serverUri(o).toUriString() : o.args.get(0);
                for (String name : Chronon.listDatabases(place)) {
                    out.println(name);
                }
                return 0;
            }
            case TRANSACT -> {
                String txText = o.file != null ? read(o.file) : o.arg(1, "TX-DATA");
                try (Connection conn = Chronon.connect(dbUri(o, o.arg(0, "DB")))) {
                    out.println(EdnPrinter.print(reportMap(conn.transact(txText))));
                }
                return 0;
            }
            case Q -> {
                try (Connection conn = Chronon.connect(dbUri(o, o.arg(0, "DB")))) {
                    Db db = conn.db();
                    if (o.asOf != null) {
                        db = db.asOf(o.asOf);
                    }
                    List<Object> inputs = new ArrayList<>();
                    int first = o.file != null ? 1 : 2;
                    for (String a : o.args.subList(Math.min(first, o.args.size()), o.args.size())) {
                        inputs.add(EdnReader.read(a));
                    }
                    out.println(EdnPrinter.print(db.q(o.file != null ? read(o.file) : o.arg(1, "QUERY"), inputs.toArray())));
                }
                return 0;
            }
            case IMPORT -> {
                String uri = dbUri(o, o.arg(0, "DB"));
                if (o.create) {
                    Chronon.createDatabase(uri);
                }
                try (Connection conn = Chronon.connect(uri)) {
                    Importer.Result r = new Importer(conn, err).run(Path.of(o.arg(1, "FILE")));
                    out.println(EdnPrinter.print(Map.of(Keyword.of("transactions"), r.transactions(),
                            Keyword.of("datoms"), r.datoms(), Keyword.of("basis-t"), r.basisT())));
                }
                return 0;
            }
            case EXPORT -> {
                try (Connection conn = Chronon.connect(dbUri(o, o.arg(0, "DB")))) {
                    Exporter.Result r = new Exporter(conn).run(Path.of(o.arg(1, "FILE")));
                    out.println(EdnPrinter.print(Map.of(Keyword.of("transactions"), r.transactions(),
                            Keyword.of("datoms"), r.datoms(), Keyword.of("basis-t"), r.basisT())));
                }
                return 0;
            }
            default -> throw new IllegalStateException(command.name());
        }
    }

    private static String read(String file) throws IOException {
        return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }

    /** A tx report as the HTTP API writes it. */
    static Map<Keyword, Object> reportMap(TxReport r) {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("basis-t-before"), r.basisTBefore());
        m.put(Keyword.of("basis-t"), r.basisT());
        m.put(Keyword.of("tx"), r.tx());
        m.put(Keyword.of("tx-data"), r.txData().stream().map(d -> List.of(d.e(), d.a(), d.v(), d.tx(), d.added())).toList());
        m.put(Keyword.of("tempids"), r.tempids());
        return m;
    }

    /** The client commands and their help. */
    enum Command {
        CREATE_DB("create-db", """
                Usage: bin/chronon create-db [--uri URI] DB
                  Creates database DB (prints "created DB", or "exists DB" if it already exists).
                """),
        DELETE_DB("delete-db", """
                Usage: bin/chronon delete-db [--uri URI] DB
                  Deletes database DB and all its data (exit status 1 if there was none).
                """),
        LIST_DBS("list-dbs", """
                Usage: bin/chronon list-dbs [--uri URI] [PLACE]
                  Lists the databases of the server (or of PLACE: chronon:mem://, chronon:dir:/path/), one per line.
                """),
        TRANSACT("transact", """
                Usage: bin/chronon transact [--uri URI] DB TX-DATA
                       bin/chronon transact [--uri URI] --file FILE DB      (FILE - reads stdin)
                  Transacts TX-DATA, EDN such as '[{:db/id "x" :person/name "Ada"}]', and prints the
                  report: {:basis-t-before .. :basis-t .. :tx .. :tx-data [[e a v tx added] ...] :tempids {..}}.
                """),
        Q("q", """
                Usage: bin/chronon q [--uri URI] [--as-of T] DB QUERY [INPUT ...]
                       bin/chronon q [--uri URI] --file FILE DB [INPUT ...]
                  Runs the Datalog QUERY (EDN) on the latest value of DB (or as of t T), each INPUT an
                  EDN value bound to the query's :in after $, and prints the result as EDN.
                  Example: bin/chronon q people '[:find ?n :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)] [?e :person/name ?n]]' 30
                """),
        IMPORT("import", """
                Usage: bin/chronon import [--uri URI] [--create] DB FILE
                  Transacts the transactions of FILE, an EDN file of tx-data vectors (one after the
                  other), in order, showing progress and rate on stderr. --create creates DB first.
                  A file written by export (it starts with #chronon/export {...}) is replayed with its
                  entity ids mapped to new ones, giving the same facts in an empty database.
                """),
        EXPORT("export", """
                Usage: bin/chronon export [--uri URI] DB FILE
                  Writes every transaction of DB, in order, to FILE: a #chronon/export header, then one
                  tx-data vector per transaction ([:db/add e a v] and [:db/retract e a v] with the
                  original ids and the original :db/txInstant). bin/chronon import replays it.
                """);

        final String name;
        final String help;

        Command(String name, String help) {
            this.name = name;
            this.help = help;
        }

        static Command of(String name) {
            for (Command c : values()) {
                if (c.name.equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** A command's options and positional arguments. */
    static final class Options {
        String uri;
        String file;
        Long asOf;
        boolean create;
        boolean help;
        final List<String> args = new ArrayList<>();

        static Options parse(Command c, String[] argv) {
            Options o = new Options();
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--uri" -> o.uri = value(argv, ++i, a);
                    case "--file", "-f" -> {
                        if (c != Command.TRANSACT && c != Command.Q) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        o.file = value(argv, ++i, a);
                    }
                    case "--as-of" -> {
                        if (c != Command.Q) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        try {
                            o.asOf = Long.parseLong(value(argv, ++i, a));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--as-of takes a t");
                        }
                    }
                    case "--create" -> {
                        if (c != Command.IMPORT) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        o.create = true;
                    }
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        o.args.add(a);
                    }
                }
            }
            return o;
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return argv[i];
        }

        /** Positional argument {@code i} (after the file, for transact and q with --file). */
        String arg(int i, String what) {
            int index = file != null && i > 0 ? -1 : i;
            if (index < 0 || index >= args.size()) {
                throw new IllegalArgumentException("missing " + what);
            }
            return args.get(index);
        }
    }
}
