package io.drover.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.drover.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion port's HTTP server: Vert.x, configured by Drover rather than by Camel's platform-http server, whose
 * options cannot be set (no timeouts, no connection cap, no hook for requests Vert.x itself refuses). Everything on the
 * port is mounted on {@link #router()} before the server starts (the API, the tag, then the JSON 404); it listens
 * with one server per event loop, as Vert.x shares a port between them.
 * <p>
 * Limits a reverse proxy would use: the header, body and keep-alive deadlines of {@link ConnectionDeadlines}, at most
 * {@code drover.http.max-connections} open connections (one more is closed as it opens), request lines and headers
 * within Vert.x's sizes (answered 414 and 431 with a JSON body). HTTP/1.1 only: browsers never speak HTTP/2 without
 * TLS, proxies in front speak HTTP/1.1 to their backends, and the HTTP/2 clear-text upgrade would defer a
 * connection's set-up until its first bytes, out of reach of the deadlines.
 */
public final class IngestServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

    private final String host;
    private final int configuredPort;
    private final int eventLoops;
    private final int maxConnections;
    private final ConnectionDeadlines.Limits limits;
    private final HttpServerOptions options;
    private final Vertx vertx;
    private final Router router;
    private final List<HttpServer> servers = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final CamelContext context;
    private MeterRegistry registry;
    private final RateLimitedLog refusedLog = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));
    private volatile int port = -1;

    public IngestServer(CamelContext context, Settings settings) {
        this.context = context;
        this.host = settings.string("drover.http.host");
        this.configuredPort = settings.integer("drover.http.port");
        this.eventLoops = Math.max(1, settings.integer("drover.http.event-loops"));
        this.maxConnections = settings.integer("drover.http.max-connections");
        this.limits = new ConnectionDeadlines.Limits(
                settings.duration("drover.http.header-timeout"),
                settings.duration("drover.http.body-timeout"),
                settings.duration("drover.http.keep-alive-timeout"));
        this.options = new HttpServerOptions().setHost(host).setPort(configuredPort)
                .setHttp2ClearTextEnabled(false)
                .setMaxInitialLineLength((int) settings.bytes("drover.http.max-request-line"))
                .setMaxHeaderSize((int) settings.bytes("drover.http.max-header-bytes"))
                .setReuseAddress(true);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        this.router = Router.router(vertx);
    }

    /** Where the port's handlers are mounted, before the server starts. */
    public Router router() {
        return router;
    }

    /** The port it listens on (the configured one, or the one chosen for port 0), or -1 before it listens. */
    public int port() {
        return port;
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    protected void doStart() throws Exception {
        ErrorAnswers.mount(router);
        // Camel's metrics registry exists once the context is configured.
        registry = CamelContextHelper.findSingleByType(context, MeterRegistry.class);
        if (registry == null) {
            registry = new SimpleMeterRegistry();
        }
        Gauge.builder("drover.http.connections.open", open, AtomicInteger::get)
                .description("Connections open on the ingestion port").register(registry);
        int listenOn = configuredPort;
        for (int i = 0; i < eventLoops; i++) {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setPort(listenOn))
                    .connectionHandler(this::opened)
                    .invalidRequestHandler(IngestServer::invalid)
                    .requestHandler(router);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            servers.add(server);
            // Every further server shares the first one's port (Vert.x balances connections between them).
            listenOn = server.actualPort();
        }
        port = listenOn;
    }

    /** Counts the connection, closes it when over the cap, and gives it the deadlines. On its event loop. */
    private void opened(HttpConnection connection) {
        var channel = ((ConnectionBase) connection).channel();
        open.incrementAndGet();
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        if (open.get() > maxConnections) {
            closedCounter("over_capacity").increment();
            refusedLog.warn("over_capacity", "Closing a new ingestion connection: {}", open.get()
                    + " are open (drover.http.max-connections = " + maxConnections + ")");
            channel.close();
            return;
        }
        ConnectionDeadlines.install(channel.pipeline(), limits,
                reason -> closedCounter(reason.name().toLowerCase(java.util.Locale.ROOT)).increment());
    }

    private Counter closedCounter(String reason) {
        return Counter.builder("drover.http.connections.closed")
                .description("Ingestion connections Drover closed, by reason").tag("reason", reason)
                .register(registry);
    }

    /** A request Vert.x could not decode (a request line or headers over the limits, a malformed line). */
    private static void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = 400;
        String code = "bad_request";
        String message = "the request is malformed";
        if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            code = "headers_too_large";
            message = "the request's headers are too large";
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            code = "uri_too_long";
            message = "the request line (method, path and query) is too long";
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end(ErrorAnswers.body(code, message))
                .onComplete(v -> request.connection().close());
    }

    @Override
    protected void doStop() throws Exception {
        for (HttpServer server : servers) {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        servers.clear();
        port = -1;
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
