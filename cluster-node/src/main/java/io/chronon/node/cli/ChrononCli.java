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
import io.chronon.node.config.NodeOptions;
import io.chronon.node.config.UsageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Chronon's command line ({@code bin/chronon}), parsed by picocli: {@code serve} starts a
 * node ({@link NodeOptions}); the other commands are clients of a node (or of an in-process
 * database) through the Java client: {@code create-db}, {@code delete-db}, {@code list-dbs},
 * {@code transact}, {@code q}, {@code import} and {@code export}, and the administration of
 * users, roles, grants and keys ({@link AdminCommands}). Each answers {@code --help}.
 * Results print as EDN on stdout; errors print on stderr with their category, and the exit
 * status is 1 (2 for a usage error, see {@link UsageErrors}).
 */
@Command(name = "bin/chronon", customSynopsis = "bin/chronon COMMAND [options]",
        commandListHeading = "%nCommands:%n",
        footer = {"", "The client commands reach the server at --uri URI, else $CHRONON_URI, else"
                + " chronon://127.0.0.1:8998/. Give the credentials in it: chronon://KEY:SECRET@HOST:PORT/ or"
                + " chronon://USER:PASSWORD@HOST:PORT/ (serve prints the administrator's generated password at the cluster's"
                + " first start); keep secrets in $CHRONON_URI rather than --uri; chronons://... for HTTPS, trusting --ca-file FILE"
                + " (else $CHRONON_CA_FILE, else the JVM's trust store). A DB argument is a database name on that server, or a whole URI"
                + " (chronon://KEY:SECRET@HOST:PORT/name, chronon:dir:/path/name). COMMAND --help tells more."})
public final class ChrononCli {
    /** The server used when neither {@code --uri} nor {@code CHRONON_URI} names one. */
    public static final String DEFAULT_URI = "chronon://127.0.0.1:8998/";

    private final PrintStream out;
    private final PrintStream err;
    private final String envUri;
    /** {@code $CHRONON_PASSWORD}: the password of {@code user create} and {@code user password}. */
    private final String envPassword;
    /** Whether {@code serve} started a node, which then runs on. */
    private boolean serving;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    private boolean help;

    ChrononCli(PrintStream out, PrintStream err, String envUri) {
        this(out, err, envUri, null);
    }

    ChrononCli(PrintStream out, PrintStream err, String envUri, String envPassword) {
        this.out = out;
        this.err = err;
        this.envUri = envUri;
        this.envPassword = envPassword;
    }

    public static void main(String[] args) {
        ChrononCli cli = new ChrononCli(System.out, System.err, System.getenv("CHRONON_URI"), System.getenv("CHRONON_PASSWORD"));
        String caFile = System.getenv("CHRONON_CA_FILE");
        if (caFile != null && !caFile.isBlank() && System.getProperty(ChrononUri.CA_FILE_PROPERTY) == null) {
            System.setProperty(ChrononUri.CA_FILE_PROPERTY, caFile);
        }
        int status = cli.run(args);
        // a node that serve started runs on in its actor system's threads; a client command is done
        if (status != 0 || !cli.serving) {
            System.exit(status);
        }
    }

    /** Runs one command; answers the exit status. */
    int run(String[] args) {
        NodeOptions serve = new NodeOptions();
        CommandLine commandLine = new CommandLine(this)
                .addSubcommand(new CommandLine(serve))
                .addSubcommand(new CreateDbCommand())
                .addSubcommand(new DeleteDbCommand())
                .addSubcommand(new ListDbsCommand())
                .addSubcommand(new TransactCommand())
                .addSubcommand(new QueryCommand())
                .addSubcommand(new ImportCommand())
                .addSubcommand(new ExportCommand())
                .addSubcommand(new GcStorageCommand())
                .addSubcommand(new CommandLine.HelpCommand());
        new AdminCommands(out, o -> serverUri(o).toUriString(), envPassword).addTo(commandLine);
        UsageErrors.configure(commandLine)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                // serve's errors read as ChrononNode's; a client command's start with its name
                .setParameterExceptionHandler((e, given) -> UsageErrors.report(e, isClientCommand(e.getCommandLine())
                        ? e.getCommandLine().getCommandName() + ": " : ""))
                .setExecutionExceptionHandler((e, command, parsed) -> failed(e, command))
                .setExecutionStrategy(parsed -> {
                    Integer helped = CommandLine.executeHelpRequest(parsed);
                    if (helped != null) {
                        return helped;
                    }
                    if (!parsed.hasSubcommand()) {
                        commandLine.usage(commandLine.getOut());
                        return 0;
                    }
                    if (parsed.subcommand().commandSpec().userObject() == serve) {
                        int status = ChrononNode.serve(serve);
                        serving = status == 0;
                        return status;
                    }
                    return new CommandLine.RunLast().execute(parsed);
                });
        return commandLine.execute(args);
    }

    private static boolean isClientCommand(CommandLine command) {
        return command.getParent() != null && !(command.getCommandSpec().userObject() instanceof NodeOptions);
    }

    /** A client command's failure: a usage error (2), an error of the database or of a file (1). */
    private int failed(Exception e, CommandLine command) throws Exception {
        if (e instanceof IllegalArgumentException) {
            err.println(command.getCommandName() + ": " + e.getMessage());
            command.usage(command.getErr());
            return 2;
        }
        if (e instanceof ChrononException c) {
            err.println("error (" + c.category().name().toLowerCase().replace('_', '-') + "): " + c.getMessage());
            if (c.category() == ErrorCategory.FORBIDDEN) {
                if (Keyword.of("chronon.error/unauthorized").equals(c.code())) {
                    err.println("hint: give credentials in the URI: CHRONON_URI=chronon://KEY:SECRET@HOST:PORT/");
                }
            }
            return 1;
        }
        if (e instanceof IOException) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        throw e;
    }

    /** The options every client command has. */
    static final class ClientOptions {
        @Option(names = "--uri", paramLabel = "URI", description = "the server (else $CHRONON_URI, else " + DEFAULT_URI + ");"
                + " chronons://KEY:SECRET@HOST:PORT/ for HTTPS")
        String uri;

        @Option(names = "--ca-file", paramLabel = "FILE", description = "HTTPS (chronons://): trust the certificate authorities of"
                + " this PEM file (else $CHRONON_CA_FILE, else the JVM's trust store)")
        void caFile(String file) {
            if (!Files.isRegularFile(Path.of(file))) {
                throw new IllegalArgumentException("--ca-file: no file " + file);
            }
            System.setProperty(ChrononUri.CA_FILE_PROPERTY, file);
        }

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
        boolean help;
    }

    /** The URI of database {@code db}: a whole URI as is, else a name on the server. */
    private String dbUri(ClientOptions o, String db) {
        if (db.startsWith("chronon:") || db.startsWith("chronons:")) {
            return db;
        }
        return serverUri(o).withDatabase(db).toUriString();
    }

    private ChrononUriText serverUri(ClientOptions o) {
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

    @Command(name = "create-db", customSynopsis = "bin/chronon create-db [--uri URI] DB",
            description = "create a database (prints \"created DB\", or \"exists DB\" if it already exists)")
    final class CreateDbCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "DB", description = "the database")
        String db;

        @Override
        public Integer call() {
            boolean created = Chronon.createDatabase(dbUri(client, db));
            out.println(created ? "created " + db : "exists " + db);
            return 0;
        }
    }

    @Command(name = "delete-db", customSynopsis = "bin/chronon delete-db [--uri URI] DB",
            description = "delete a database and all its data (exit status 1 if there was none)")
    final class DeleteDbCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "DB", description = "the database")
        String db;

        @Override
        public Integer call() {
            boolean deleted = Chronon.deleteDatabase(dbUri(client, db));
            out.println(deleted ? "deleted " + db : "no database " + db);
            return deleted ? 0 : 1;
        }
    }

    @Command(name = "gc-storage", customSynopsis = "bin/chronon gc-storage [--uri URI] [--older-than DURATION] DB",
            description = "delete the index segments that only index roots superseded more than DURATION ago reach"
                    + " (Datomic's gcStorage); db values that moved onto newer roots since keep reading theirs")
    final class GcStorageCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "1h",
                description = "how long ago the roots kept were superseded at the latest: 90s, 30m, 1h, 7d (default 1h)")
        String olderThan;

        @Parameters(paramLabel = "DB", description = "the database")
        String db;

        @Override
        public Integer call() {
            java.time.Duration age = duration(olderThan);
            if (age == null) {
                err.println("--older-than is a number and a unit (s, m, h or d), e.g. 30m or 7d, not " + olderThan);
                return 2;
            }
            try (Connection conn = Chronon.connect(dbUri(client, db))) {
                long deleted = conn.gcStorage(java.util.Date.from(java.time.Instant.now().minus(age)));
                out.println("deleted " + deleted + " segments of " + db);
            }
            return 0;
        }
    }

    /** A duration as {@code 90s}, {@code 30m}, {@code 1h} or {@code 7d}; null if it is none of these. */
    static java.time.Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    @Command(name = "list-dbs", customSynopsis = "bin/chronon list-dbs [--uri URI] [PLACE]",
            description = "list the databases, one per line")
    final class ListDbsCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "PLACE", arity = "0..1",
                description = "a place other than the server: chronon:mem://, chronon:dir:/path/")
        String place;

        @Override
        public Integer call() {
            for (String name : Chronon.listDatabases(place != null ? place : serverUri(client).toUriString())) {
                out.println(name);
            }
            return 0;
        }
    }

    @Command(name = "transact", customSynopsis = {"bin/chronon transact [--uri URI] DB TX-DATA",
            "       bin/chronon transact [--uri URI] --file FILE DB      (FILE - reads stdin)"},
            description = {"transact EDN tx-data",
                    "Transacts TX-DATA, EDN such as '[{:db/id \"x\" :person/name \"Ada\"}]', and prints the report:"
                            + " {:basis-t-before .. :basis-t .. :tx .. :tx-data [[e a v tx added] ...] :tempids {..}}."})
    final class TransactCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the tx-data from FILE (- for stdin)")
        String file;

        @Parameters(index = "0", paramLabel = "DB", description = "the database")
        String db;

        @Parameters(index = "1", arity = "0..1", paramLabel = "TX-DATA", description = "the tx-data (EDN), without --file")
        String txData;

        @Override
        public Integer call() throws IOException {
            String txText = file != null ? read(file) : required(txData, "TX-DATA");
            try (Connection conn = Chronon.connect(dbUri(client, db))) {
                out.println(EdnPrinter.print(reportMap(conn.transact(txText))));
            }
            return 0;
        }
    }

    @Command(name = "q", customSynopsis = {"bin/chronon q [--uri URI] [--as-of T] DB QUERY [INPUT ...]",
            "       bin/chronon q [--uri URI] --file FILE DB [INPUT ...]"},
            description = {"run a Datalog query",
                    "Runs the Datalog QUERY (EDN) on the latest value of DB (or as of t T), each INPUT an EDN value"
                            + " bound to the query's :in after $, and prints the result as EDN.",
                    "Example: bin/chronon q people '[:find ?n :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)]"
                            + " [?e :person/name ?n]]' 30"})
    final class QueryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientOptions client;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the query from FILE (- for stdin)")
        String file;

        Long asOf;

        @Parameters(index = "0", paramLabel = "DB", description = "the database")
        String db;

        @Parameters(index = "1..*", paramLabel = "QUERY INPUT", description = "the query (without --file), then the inputs")
        List<String> args = new ArrayList<>();

        @Option(names = "--as-of", paramLabel = "T", description = "query the database as of t T")
        void asOfT(String t) {
            try {
                asOf = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--as-of takes a t");
            }
        }

        @Override
        public Integer call() throws IOException {
            String query = file != null ? read(file) : required(args.isEmpty() ? null : args.get(0), "QUERY");
            List<Object> inputs = new ArrayList<>();
            for (String a : args.subList(file != null ? 0 : 1, args.size())) {
                inputs.add(EdnReader.read(a));
            }
            try (Connection conn = Chronon.connect(dbUri(client, db))) {
                Db value = asOf != null ? conn.db().asOf(asOf) : conn.db();
                out.println(EdnPrinter.print(value.q(query, inputs.toArray())));
            }
            return 0;
        }
    }

    @Command(name = "import", customSynopsis = "bin/chronon import [--uri URI] [--create] DB FILE",
            description = {"replay an EDN file of transactions into a database, with progress",
                    "Transacts the transactions of FILE, an EDN file of tx-data vectors (one after the other), in order,"
                            + " showing progress and rate on stderr. A file written by export (it starts with"
                            + " #chronon/export {...}) is replayed with its entity ids mapped to new ones, giving the"
                            + " same facts in an empty database."})
    final class ImportCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--create", description = "create DB first")
        boolean create;

        @Parameters(index = "0", paramLabel = "DB", description = "the database")
        String db;

        @Parameters(index = "1", paramLabel = "FILE", description = "the EDN file")
        Path file;

        @Override
        public Integer call() throws IOException {
            String uri = dbUri(client, db);
            if (create) {
                Chronon.createDatabase(uri);
            }
            try (Connection conn = Chronon.connect(uri)) {
                Importer.Result r = new Importer(conn, err).run(file);
                out.println(EdnPrinter.print(Map.of(Keyword.of("transactions"), r.transactions(),
                        Keyword.of("datoms"), r.datoms(), Keyword.of("basis-t"), r.basisT())));
            }
            return 0;
        }
    }

    @Command(name = "export", customSynopsis = "bin/chronon export [--uri URI] DB FILE",
            description = {"write a database's transactions to an EDN file that import replays",
                    "Writes every transaction of DB, in order, to FILE: a #chronon/export header, then one tx-data"
                            + " vector per transaction ([:db/add e a v] and [:db/retract e a v] with the original ids"
                            + " and the original :db/txInstant). bin/chronon import replays it."})
    final class ExportCommand implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "DB", description = "the database")
        String db;

        @Parameters(index = "1", paramLabel = "FILE", description = "the file to write")
        Path file;

        @Override
        public Integer call() throws IOException {
            try (Connection conn = Chronon.connect(dbUri(client, db))) {
                Exporter.Result r = new Exporter(conn).run(file);
                out.println(EdnPrinter.print(Map.of(Keyword.of("transactions"), r.transactions(),
                        Keyword.of("datoms"), r.datoms(), Keyword.of("basis-t"), r.basisT())));
            }
            return 0;
        }
    }

    /** {@code value}, or a usage error naming what is missing. */
    private static String required(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("missing " + what);
        }
        return value;
    }

    static String read(String file) throws IOException {
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
}
