package io.chronon.node.http;

import com.typesafe.config.ConfigFactory;
import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.Ids;
import io.chronon.edn.Keyword;
import io.chronon.node.http.Route.Access;
import io.chronon.node.tls.ServerTls;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.access.AccessObject;
import io.chronon.sharding.access.Action;
import io.chronon.sharding.access.ObjectKind;
import io.chronon.sharding.catalog.AccessReplica;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.support.Futures;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.util.ByteString;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API of a Chronon node (docs/http.md): databases, transact, reads (q, pull,
 * pull-many, datoms, index-range, log), sync, the tx-report stream as Server-Sent Events,
 * health, readiness and the OpenAPI document, on one port for every database.
 *
 * <p>Bodies are EDN or JSON ({@link JsonConvention}) by {@code Content-Type}; answers follow
 * {@code Accept} (EDN by default). Every route but {@code /health}, {@code /ready} and
 * {@code /openapi.yaml} needs an access key as HTTP Basic credentials. Errors have one shape
 * ({@code {:category :incorrect :code ... :message "..." :form ...}}) and the status of their
 * category. Reads go to the query peers through {@link QueryPeer.Read}, writes to the
 * transactors: this class only translates.
 */
public final class ChrononHttpServer implements AutoCloseable {
    private static final Keyword RESULT = Keyword.of("result");
    static final Keyword BASIS_T = Keyword.of("basis-t");
    static final Keyword DB_NAME = Keyword.of("db/name");
    /** Request header naming the query group of a read. */
    static final String QUERY_GROUP = "X-Chronon-Query-Group";
    /** Response header of a read: the node ({@code host:port}) whose peer answered. */
    static final String SERVED_BY = "X-Chronon-Served-By";
    private static final String OPENAPI = "/io/chronon/node/http/openapi.yaml";

    private final ActorSystem<?> system;
    private final ChrononCluster chronon;
    private final HttpSettings settings;
    private final AccessKeys keys;
    private final RequestGuard guard;
    private final Cors cors;
    private final List<Route> routes;
    /** The budget of large bodies being read and answered now (see {@link HttpSettings#maxBodyBytesInFlight}). */
    private final BodyBudget bodies;
    /** Where large bodies are parsed: Pekko's dispatcher for blocking work, not the default one. */
    private final java.util.concurrent.Executor parsing;
    private volatile ServerBinding binding;
    private volatile boolean secure;

    private ChrononHttpServer(ActorSystem<?> system, ChrononCluster chronon, HttpSettings settings) {
        this.system = system;
        this.chronon = chronon;
        this.settings = settings;
        this.bodies = new BodyBudget(settings.maxBodyBytesInFlight());
        this.keys = new AccessKeys(settings.accessKeys());
        this.guard = new RequestGuard(keys, AccessReplica.get(system), parsing(system),
                new FailedLogins(settings.failedLoginsPerName(), settings.failedLoginsPerAddress(), settings.failedLoginWindow().toMillis()));
        this.cors = new Cors(settings.corsOrigins(), settings.corsMaxAge());
        this.parsing = parsing(system);
        IndexRoutes indexRoutes = new IndexRoutes(this, chronon);
        AdminRoutes admin = new AdminRoutes(this, AccessReplica.get(system), parsing);
        Access view = Access.database(Action.VIEW);
        List<Route> all = new ArrayList<>(List.of(
                new Route(HttpMethods.GET, "/health", null, c -> ok(c, Map.of(Keyword.of("status"), Keyword.of("ok")))),
                new Route(HttpMethods.GET, "/ready", null, this::ready),
                new Route(HttpMethods.GET, "/cluster", Access.on(Action.VIEW, ObjectKind.SERVER, null), this::cluster),
                new Route(HttpMethods.GET, "/openapi.yaml", null, c -> openApi()),
                new Route(HttpMethods.GET, "/dbs", Access.AUTHENTICATED, this::listDatabases),
                new Route(HttpMethods.PUT, "/dbs/{db}", Access.database(Action.CREATE), this::createDatabase),
                new Route(HttpMethods.GET, "/dbs/{db}", view, this::databaseInfo),
                new Route(HttpMethods.DELETE, "/dbs/{db}", Access.database(Action.CONTROL), this::deleteDatabase),
                new Route(HttpMethods.POST, "/dbs/{db}/transact", Access.database(Action.WRITE), this::transact),
                read(HttpMethods.GET, "q", ReadRequest.Kind.Q), read(HttpMethods.POST, "q", ReadRequest.Kind.Q),
                read(HttpMethods.GET, "pull", ReadRequest.Kind.PULL), read(HttpMethods.POST, "pull", ReadRequest.Kind.PULL),
                read(HttpMethods.GET, "pull-many", ReadRequest.Kind.PULL_MANY),
                read(HttpMethods.POST, "pull-many", ReadRequest.Kind.PULL_MANY),
                read(HttpMethods.GET, "datoms", ReadRequest.Kind.DATOMS),
                read(HttpMethods.POST, "datoms", ReadRequest.Kind.DATOMS),
                read(HttpMethods.GET, "index-range", ReadRequest.Kind.INDEX_RANGE),
                read(HttpMethods.POST, "index-range", ReadRequest.Kind.INDEX_RANGE),
                read(HttpMethods.GET, "log", ReadRequest.Kind.LOG), read(HttpMethods.POST, "log", ReadRequest.Kind.LOG),
                read(HttpMethods.GET, "attribute", ReadRequest.Kind.ATTRIBUTE),
                read(HttpMethods.POST, "attribute", ReadRequest.Kind.ATTRIBUTE),
                read(HttpMethods.GET, "entid-at", ReadRequest.Kind.ENTID_AT),
                read(HttpMethods.POST, "entid-at", ReadRequest.Kind.ENTID_AT),
                new Route(HttpMethods.GET, "/dbs/{db}/sync", view, this::sync),
                new Route(HttpMethods.GET, "/dbs/{db}/sync-index", view, indexRoutes::syncIndex),
                new Route(HttpMethods.POST, "/dbs/{db}/request-index", Access.database(Action.CONTROL), indexRoutes::requestIndex),
                new Route(HttpMethods.POST, "/dbs/{db}/gc-storage", Access.database(Action.CONTROL), indexRoutes::gcStorage),
                new Route(HttpMethods.GET, "/dbs/{db}/tx-reports", view, this::txReports)));
        all.addAll(admin.routes());
        this.routes = List.copyOf(all);
    }

    /**
     * Starts the API of {@code chronon} on {@code settings.host():settings.port()}, over HTTPS
     * with {@code tls} (whose certificate files are then watched for changes) or plain HTTP
     * without; completes once the port is bound. The server stops with the actor system, or with {@link #close}.
     */
    public static CompletionStage<ChrononHttpServer> start(ActorSystem<?> system, ChrononCluster chronon, HttpSettings settings,
                                                           Optional<ServerTls> tls) {
        ChrononHttpServer server = new ChrononHttpServer(system, chronon, settings);
        // the body limit is ours (an error body in the API's shape), so pekko's must not answer first;
        // pekko's warnings about malformed headers would print them, Authorization included: off
        ServerSettings serverSettings = ServerSettings.create(ConfigFactory.parseString(
                "pekko.http.server.parsing { max-content-length = infinite, illegal-header-warnings = off,"
                        + " error-logging-verbosity = simple }\n"
                        // failed logins are counted per client address
                        + "pekko.http.server.remote-address-attribute = on").withFallback(system.settings().config()));
        var serverAt = Http.get(system).newServerAt(settings.host(), settings.port()).withSettings(serverSettings);
        if (tls.isPresent()) {
            tls.get().watch(system);
            serverAt = serverAt.enableHttps(tls.get().connectionContext());
        }
        server.secure = tls.isPresent();
        return serverAt.bind(server::handle)
                .thenApply(b -> {
                    server.binding = b;
                    b.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
                    return server;
                });
    }

    private static java.util.concurrent.Executor parsing(ActorSystem<?> system) {
        return system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    }

    ActorSystem<?> system() {
        return system;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return binding.localAddress();
    }

    /** True when the API is served over HTTPS. */
    public boolean secure() {
        return secure;
    }

    /** The bound port (the real one when the settings asked for port 0). */
    public int port() {
        return binding.localAddress().getPort();
    }

    /** The names of the access keys accepted (never the secrets). */
    public List<String> accessKeyNames() {
        return keys.keys();
    }

    /** Stops accepting connections and ends open ones within a few seconds. */
    @Override
    public void close() {
        ServerBinding b = binding;
        if (b != null) {
            b.terminate(Duration.ofSeconds(3)).toCompletableFuture().join();
        }
    }

    /** Every endpoint as {@code "METHOD /path"}, e.g. {@code "GET /dbs/{db}/q"} (the OpenAPI test compares them). */
    List<String> endpoints() {
        return routes.stream().map(r -> r.method().name() + " " + r.path()).toList();
    }

    // ------------------------------------------------------------------ dispatch

    private CompletionStage<HttpResponse> handle(HttpRequest request) {
        Format format = Format.ofAccept(request.getHeader("Accept").map(HttpHeader::value).orElse(null));
        String origin = request.getHeader("Origin").map(HttpHeader::value).orElse(null);
        BodyBudget.Intake intake = bodies.open();
        CompletionStage<HttpResponse> answer;
        try {
            answer = dispatch(request, format, intake);
        } catch (Throwable e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(e -> error(format, HttpError.of(e)))
                .thenApply(response -> SecurityHeaders.decorate(cors.decorate(origin, response)))
                .whenComplete((response, e) -> bodies.release(intake));
    }

    private CompletionStage<HttpResponse> dispatch(HttpRequest request, Format format, BodyBudget.Intake intake) throws Exception {
        List<String> segments = new ArrayList<>();
        request.getUri().pathSegments().forEach(s -> {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        });
        if (request.method().equals(HttpMethods.OPTIONS) && cors.enabled()) {
            return CompletableFuture.completedFuture(cors.preflight(request.getHeader("Origin").map(HttpHeader::value).orElse(null)));
        }
        List<String> allowed = new ArrayList<>();
        for (Route r : routes) {
            Map<String, String> vars = r.match(segments);
            if (vars == null) {
                continue;
            }
            if (!r.method().equals(request.method())) {
                allowed.add(r.method().name());
                continue;
            }
            if (r.access() == null) {
                return r.handler().handle(new Call(request, vars, format, null, intake));
            }
            String address = request.getAttribute(org.apache.pekko.http.javadsl.model.AttributeKeys.remoteAddress)
                    .flatMap(ra -> ra.getAddress().map(java.net.InetAddress::getHostAddress)).orElse("unknown");
            return guard.authenticate(request.getHeader("Authorization").map(HttpHeader::value).orElse(null), address)
                    .thenApply(principal -> {
                        Call call = new Call(request, vars, format, principal, intake);
                        if (r.access().action() != null) {
                            guard.authorize(principal, r.access().action(), r.access().object().apply(call),
                                    request.method().name() + " " + request.getUri().path());
                        }
                        return call;
                    })
                    // a refused request's body is read and dropped first (see drained)
                    .exceptionallyCompose(e -> drained(request).thenCompose(d -> CompletableFuture.<Call>failedFuture(e)))
                    .thenCompose(call -> {
                        try {
                            return r.handler().handle(call);
                        } catch (Exception e) {
                            return CompletableFuture.failedFuture(e);
                        }
                    });
        }
        if (!allowed.isEmpty()) {
            return drained(request).thenApply(d -> error(format, ChrononException.incorrect("chronon.error/method-not-allowed",
                    request.method().name() + " is not allowed here; allowed: " + String.join(", ", allowed),
                    request.method().name())).withStatus(405).addHeader(RawHeader.create("Allow", String.join(", ", allowed))));
        }
        return drained(request).thenCompose(d -> CompletableFuture.failedFuture(ChrononException.notFound("chronon.error/no-such-endpoint",
                "No endpoint " + request.getUri().path(), request.getUri().path())));
    }

    /**
     * Reads the rest of the request's body and drops it, then completes (at most
     * max-read-timeout later): an answer sent before the body is read makes pekko-http close
     * the connection after it, under a client still sending, which then loses the answer
     * (issue 16: a 17 MB body often got no 413, only a closed connection).
     */
    private CompletionStage<Void> drained(HttpRequest request) {
        return Futures.plain(request.discardEntityBytes(system).completionStage(), system.executionContext())
                .<Void>thenApply(d -> null)
                .completeOnTimeout(null, settings.maxReadTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> null);
    }

    // ------------------------------------------------------------------ responses

    private static CompletionStage<HttpResponse> ok(Call call, Object value) {
        return CompletableFuture.completedFuture(response(200, call.format(), value));
    }

    static HttpResponse response(int status, Format format, Object value) {
        return HttpResponse.create().withStatus(status).withEntity(format.contentType, format.write(value).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse error(Format format, ChrononException e) {
        String code = e.code() == null ? "" : e.code().text();
        int status = code.equals("chronon.error/body-too-large") ? 413 : code.equals("chronon.error/body-timeout") ? 408
                : RequestGuard.UNAUTHORIZED.equals(e.code()) ? 401
                : code.equals("chronon.error/unsupported-media-type") ? 415 : HttpError.status(e.category());
        // a fault (500) is logged with its error id by HttpError.body
        HttpResponse response = response(status, format, HttpError.body(e));
        if (status == 401) {
            response = response.addHeader(RawHeader.create("WWW-Authenticate", "Basic realm=\"chronon\", charset=\"UTF-8\""));
        } else if (RequestGuard.TOO_MANY_LOGINS.equals(e.code())) {
            response = response.addHeader(RawHeader.create("Retry-After", String.valueOf(e.form())));
        }
        return response;
    }

    /**
     * An answer that can be cached: with an ETag (a hash of the body) and a {@code 304} when
     * {@code If-None-Match} names it; {@code pinned} answers never change, so the client's
     * cache may keep them ({@code max-age}), others must revalidate ({@code no-cache}). Always
     * {@code private}: the answer was given to one access key, so no shared cache keeps it.
     */
    private HttpResponse cacheable(Call call, Object value, boolean pinned) {
        byte[] body = call.format().write(value).getBytes(StandardCharsets.UTF_8);
        String etag = "\"" + call.format().name().toLowerCase() + "-" + sha256(body) + "\"";
        String cacheControl = pinned ? "private, max-age=" + settings.cacheMaxAge().toSeconds() + ", immutable" : "private, no-cache";
        List<HttpHeader> headers = List.of(RawHeader.create("ETag", etag), RawHeader.create("Cache-Control", cacheControl),
                RawHeader.create("Vary", "Accept, Authorization"));
        String ifNoneMatch = call.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || List.of(ifNoneMatch.split("\\s*,\\s*")).contains(etag))) {
            return HttpResponse.create().withStatus(304).addHeaders(headers);
        }
        return HttpResponse.create().withStatus(200).addHeaders(headers).withEntity(call.format().contentType, body);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ bodies

    /** The request body as a value, in the format of its Content-Type; 413 past the limit, 400 when malformed. */
    CompletionStage<Object> body(Call call) {
        HttpRequest request = call.request();
        long max = settings.maxBodySize();
        var declared = request.entity().getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > max) {
            return drained(request).thenCompose(d -> CompletableFuture.failedFuture(tooLarge(max)));
        }
        Format format;
        try {
            format = Format.ofContentType(request.entity().getContentType().mediaType().toString());
        } catch (ChrononException e) {
            return drained(request).thenCompose(d -> CompletableFuture.failedFuture(e));
        }
        // a body takes several times its size once parsed: the bytes of bodies over 64 KiB are counted as
        // they arrive, against one budget for all requests; past it a body is refused (issue 16: a few
        // clients sending bodies near the limit at once filled a 256 MB heap). A slow body holds only what
        // it has sent; one that does not arrive within max-read-timeout is a 408.
        BodyBudget.Intake intake = call.intake();
        // a plain future: Pekko's would run the handler on a new thread per request on two cores
        return Futures.plain(request.entity().getDataBytes()
                                // a body refused on the way (too large, or past the budget) is read to its end and
                                // dropped: the client gets its 413 or 429 (see drained)
                                .map(chunk -> bodies.admit(intake, chunk.size(), max) ? chunk : ByteString.emptyByteString())
                                .completionTimeout(settings.maxReadTimeout())
                                .runFold(ByteString.emptyByteString(), ByteString::concat, system),
                        system.executionContext())
                .handle((data, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof ChrononException c) {
                            throw c;
                        }
                        if (cause instanceof java.util.concurrent.TimeoutException) {
                            throw ChrononException.incorrect("chronon.error/body-timeout", "The body did not arrive within "
                                    + settings.maxReadTimeout().toSeconds() + " s (chronon.http.max-read-timeout)", null);
                        }
                        throw ChrononException.incorrect("chronon.error/invalid-body", "Cannot read the body: " + cause.getMessage(), null);
                    }
                    if (intake.tooLarge()) {
                        throw tooLarge(max);
                    }
                    if (intake.refused()) {
                        throw io.chronon.sharding.wire.ChrononError.busy("chronon.error/busy", "The node is reading other large request bodies"
                                + " (at most " + settings.maxBodyBytesInFlight() + " bytes at once, chronon.http.max-body-bytes-in-flight); retry");
                    }
                    return data;
                })
                // parsing a large body takes long (seconds for 16 MB): not on the default dispatcher, which
                // every request, actor and the cluster's heartbeats share (two threads on two cores)
                .thenCompose(data -> data.size() <= HttpSettings.SMALL_BODY ? CompletableFuture.completedFuture(parse(format, data))
                        : CompletableFuture.supplyAsync(() -> parse(format, data), parsing));
    }

    private static Object parse(Format format, ByteString data) {
        String text = data.utf8String();
        if (text.isBlank()) {
            throw ChrononException.incorrect("chronon.error/invalid-body", "The body is empty", null);
        }
        return format.read(text);
    }

    /** The bytes of large bodies counted against the budget now (tests wait on it). */
    long bodyBytesInFlight() {
        return bodies.inFlight();
    }

    private static ChrononException tooLarge(long max) {
        return ChrononException.incorrect("chronon.error/body-too-large", "The body is larger than " + max + " bytes", null);
    }

    private static Map<?, ?> bodyMap(Object body) {
        if (body instanceof Map<?, ?> m) {
            return m;
        }
        throw ChrononException.incorrect("chronon.error/invalid-body", "The body must be a map", null);
    }

    // ------------------------------------------------------------------ handlers

    private CompletionStage<HttpResponse> ready(Call call) {
        return chronon.listDatabases().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS)
                .thenApply(dbs -> response(200, call.format(), Map.of(Keyword.of("status"), Keyword.of("ready"))))
                .exceptionally(e -> error(call.format(), io.chronon.sharding.wire.ChrononError.unavailable("chronon.error/not-ready",
                        "The node cannot reach its catalog yet: " + HttpError.of(e).getMessage())));
    }

    private CompletionStage<HttpResponse> openApi() {
        try (InputStream in = ChrononHttpServer.class.getResourceAsStream(OPENAPI)) {
            byte[] yaml = in.readAllBytes();
            return CompletableFuture.completedFuture(HttpResponse.create().withEntity(
                    ContentTypes.create(org.apache.pekko.http.javadsl.model.MediaTypes.customWithFixedCharset("application", "yaml",
                            org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8, Map.of(), false)), yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletionStage<HttpResponse> listDatabases(Call call) {
        // every principal may list; it sees the databases it may view
        return chronon.listDatabases().thenApply(dbs -> response(200, call.format(),
                dbs.stream().map(DatabaseInfo::name).filter(n -> guard.allows(call.principal(), Action.VIEW, AccessObject.database(n))).toList()));
    }

    private CompletionStage<HttpResponse> createDatabase(Call call) {
        String kind = call.request().getUri().query().get("storage").orElse(null);
        call.request().discardEntityBytes(system);
        return chronon.createDatabase(call.db(), kind).thenApply(r -> {
            if (!r.created()) {
                throw ChrononException.conflict("chronon.error/db-exists", "Database " + call.db() + " already exists", call.db());
            }
            return response(201, call.format(), Map.of(DB_NAME, call.db(), Keyword.of("created"), true));
        });
    }

    private CompletionStage<HttpResponse> deleteDatabase(Call call) {
        call.request().discardEntityBytes(system);
        return chronon.deleteDatabase(call.db()).thenApply(r -> {
            if (!r.deleted()) {
                throw ChrononException.notFound("db.error/db-not-found", "No database " + call.db(), call.db());
            }
            return response(200, call.format(), Map.of(DB_NAME, call.db(), Keyword.of("deleted"), true));
        });
    }

    private CompletionStage<HttpResponse> databaseInfo(Call call) {
        // the catalog first: a database deleted a moment ago is gone even before its peer hears of it
        // and the read names the incarnation it found: one catalog lookup, not a second to route the read
        return lookUp(call.db()).thenCompose(known -> chronon.read(known, QueryPeer.Basis.LATEST, new QueryPeer.InfoOp())
                .thenApply(r -> response(200, call.format(), r.result())));
    }

    private CompletionStage<HttpResponse> transact(Call call) {
        return body(call).thenCompose(body -> {
            Map<?, ?> m = bodyMap(body);
            Object txData = m.get(Keyword.of("tx-data"));
            if (!(txData instanceof List<?> || txData instanceof String)) {
                throw ChrononException.incorrect("chronon.error/invalid-body",
                        "A transaction is {:tx-data [...]} (a vector of forms, or EDN text)", Keyword.of("tx-data"));
            }
            Object requestId = m.get(Keyword.of("request-id"));
            if (requestId != null && !(requestId instanceof String)) {
                throw ChrononException.incorrect("chronon.error/invalid-body", ":request-id must be a string", requestId);
            }
            // the writer remembers request ids durably: a retry, here or on another node, commits once
            return chronon.transact(call.db(), txData, (String) requestId)
                    .thenApply(r -> response(200, call.format(), txResult(r, (String) requestId)));
        });
    }

    private static Map<Object, Object> txResult(Transactor.TxResult r, String requestId) {
        Map<Object, Object> out = new LinkedHashMap<>();
        out.put(Keyword.of("basis-t-before"), r.basisBefore());
        out.put(BASIS_T, r.t());
        out.put(Keyword.of("tx"), Ids.tToTx(r.t()));
        List<Object> rows = new ArrayList<>(r.txData().size());
        for (Datom d : r.txData()) {
            rows.add(List.of(d.e(), d.a(), d.v(), d.tx(), d.added()));
        }
        out.put(Keyword.of("tx-data"), rows);
        out.put(Keyword.of("tempids"), r.tempids());
        if (requestId != null) {
            out.put(Keyword.of("request-id"), requestId);
        }
        if (r.duplicate()) {
            out.put(Keyword.of("duplicate"), true);
        }
        return out;
    }

    private Route read(HttpMethod method, String op, ReadRequest.Kind kind) {
        boolean get = method.equals(HttpMethods.GET);
        return new Route(method, "/dbs/{db}/" + op, Access.database(Action.VIEW), call -> {
            CompletionStage<Object> params = get
                    ? CompletableFuture.completedFuture(ReadRequest.fromQueryParams(call.request().getUri().query().toMultiMap()))
                    : body(call);
            return params.thenCompose(p -> {
                ReadRequest read = ReadRequest.parse(kind, p, get, chronon.settings().defaultTimeout(), settings.maxReadTimeout());
                return chronon.read(call.db(), queryGroup(call), read.basis(), read.op(), read.timeout())
                        .thenApply(r -> {
                            Map<Object, Object> out = new LinkedHashMap<>();
                            out.put(BASIS_T, get && read.pinned() && read.basis().atLeastT() > 0 ? read.basis().atLeastT() : r.basisT());
                            out.put(RESULT, r.result());
                            HttpResponse response = get ? cacheable(call, out, read.pinned()) : response(200, call.format(), out);
                            return response.addHeader(RawHeader.create(SERVED_BY, r.servedBy()));
                        });
            });
        });
    }

    private CompletionStage<HttpResponse> sync(Call call) {
        Map<Object, Object> p = ReadRequest.fromQueryParams(call.request().getUri().query().toMultiMap());
        long t = ReadRequest.nonNegative(p, "t", -1);
        String group = queryGroup(call);
        return (t < 0 ? chronon.sync(call.db(), group) : chronon.sync(call.db(), group, t))
                .thenApply(s -> response(200, call.format(), Map.of(DB_NAME, call.db(), BASIS_T, s.basisT())));
    }

    /**
     * The query group a read goes to: the {@code X-Chronon-Query-Group} header, else the one
     * configured for the request's access key, else the default.
     */
    String queryGroup(Call call) {
        String named = call.header(QUERY_GROUP);
        if (named != null && !named.isBlank()) {
            return named.trim();
        }
        String ofKey = call.key() == null ? null : settings.keyQueryGroups().get(call.key());
        return ofKey != null ? ofKey : chronon.settings().defaultQueryGroup();
    }

    /** This node, the cluster's members as this node sees them, and the writers running here. */
    private CompletionStage<HttpResponse> cluster(Call call) {
        call.request().discardEntityBytes(system);
        org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
        var state = cluster.state();
        List<Object> members = new ArrayList<>();
        for (org.apache.pekko.cluster.Member m : state.getMembers()) {
            Map<Object, Object> member = new LinkedHashMap<>();
            member.put(Keyword.of("address"), m.address().host().get() + ":" + m.address().port().get());
            member.put(Keyword.of("status"), Keyword.of(m.status().toString().toLowerCase(java.util.Locale.ROOT)));
            member.put(Keyword.of("roles"), new ArrayList<>(new java.util.TreeSet<>(m.getRoles()).stream()
                    .filter(r -> !r.startsWith("dc-")).toList()));
            member.put(Keyword.of("reachable"), !state.getUnreachable().contains(m));
            members.add(member);
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        out.put(Keyword.of("self"), chronon.nodeKey());
        out.put(Keyword.of("roles"), new ArrayList<>(new java.util.TreeSet<>(cluster.selfMember().getRoles()).stream()
                .filter(r -> !r.startsWith("dc-")).toList()));
        out.put(Keyword.of("leader"), state.getLeader() == null ? null
                : state.getLeader().host().get() + ":" + state.getLeader().port().get());
        out.put(Keyword.of("members"), members);
        out.put(Keyword.of("query-groups"), chronon.queryGroups());
        out.put(Keyword.of("writers"), new ArrayList<>(new java.util.TreeSet<>(chronon.localWriterNames())));
        return ok(call, out);
    }

    private CompletionStage<HttpResponse> txReports(Call call) {
        Map<Object, Object> p = ReadRequest.fromQueryParams(call.request().getUri().query().toMultiMap());
        long fromT = ReadRequest.nonNegative(p, "from-t", -1);
        String lastEventId = call.header("Last-Event-ID");
        // the stream sends the transactions after t `after`; unset: after the current basis
        long after = Long.MIN_VALUE;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw ChrononException.incorrect("chronon.error/invalid-parameter", "Last-Event-ID must be a t", lastEventId);
            }
        } else if (fromT >= 0) {
            after = fromT - 1;
        }
        long start = after;
        Format format = "json".equals(call.request().getUri().query().get("format").orElse(null)) ? Format.JSON : call.format();
        // the database and its current basis first: a missing database is a 404, and without
        // a start the stream starts at that basis (one catalog lookup: the read names what it found)
        return lookUp(call.db()).thenCompose(db -> chronon.read(db, QueryPeer.Basis.LATEST, new QueryPeer.InfoOp())
                .thenApply(current -> HttpResponse.create().withStatus(200)
                        .addHeader(RawHeader.create("Cache-Control", SecurityHeaders.NO_STORE))
                        .withEntity(HttpEntities.createChunked(TxReportEvents.CONTENT_TYPE,
                                new TxReportEvents(chronon, system, db, format, settings.sseKeepAlive())
                                        .from(start != Long.MIN_VALUE ? start : current.basisT())))));
    }

    /** The catalog's entry of a database; {@code not-found} if there is none. */
    private CompletionStage<DatabaseInfo> lookUp(String db) {
        return chronon.databaseInfo(db);
    }
}
