package io.drover.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.config.Source;
import io.drover.buffer.BufferUnavailable;
import io.drover.buffer.EventBuffer;
import io.drover.identity.IdentityStore;
import io.drover.identity.UserHash;
import io.drover.config.Sources;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Segment-compatible ingestion API ({@code /v1/*}), as a Vert.x handler on Camel's platform-http server.
 *
 * <p>It runs on the event loop and never blocks it: the body is read with a hard limit, parsed, authenticated,
 * validated and enriched, then handed to the {@link EventBuffer}; the answer {@code {"success":true}} is written from
 * the buffer's callback, once Kafka has acknowledged every message of the request.
 */
final class IngestHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    private static final Buffer SUCCESS = Buffer.buffer("{\"success\":true}");
    private final RateLimitedLog preflightLog = new RateLimitedLog(LOG, java.time.Duration.ofMinutes(1));

    private final Sources sources;
    private final EventBuffer buffer;
    /** Fills known ids into events and learns new links; null when the identity store is off. */
    private final IdentityStore identity;
    /** Whether the store may believe a message's userId: its source's, or the message's userHash. */
    private final UserIdTrust userIdTrust;
    private final DedupeWindow dedupe;
    private final ClientAddress clientAddress;
    private final BodyParser parser;
    private final MessageNormaliser normaliser = new MessageNormaliser();
    private final IngestLimits limits;
    private final Drain drain;
    private final FailedEvents failedEvents;
    /** False until ingestion may take events (the dedupe window is restored). */
    private final BooleanSupplier admitting;
    final IngestMetrics metrics;

    IngestHandler(Sources sources, EventBuffer buffer, DedupeWindow dedupe, ClientAddress clientAddress,
                  IngestLimits limits, Drain drain, IngestMetrics metrics, IdentityStore identity,
                  BooleanSupplier admitting, FailedEvents failedEvents) {
        this.admitting = admitting;
        this.failedEvents = failedEvents;
        this.identity = identity;
        this.sources = sources;
        this.buffer = buffer;
        this.dedupe = dedupe;
        this.clientAddress = clientAddress;
        this.limits = limits;
        this.parser = new BodyParser(limits);
        this.drain = drain;
        this.metrics = metrics;
        this.userIdTrust = new UserIdTrust(metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Endpoint endpoint = Endpoint.of(request.path());
        Call call = new Call(request.response(), request.getHeader("Origin"),
                endpoint == null ? "unknown" : endpoint.name().toLowerCase(Locale.ROOT));
        if (endpoint == null) {
            call.error(404, "not_found", "no such endpoint: " + clip(request.path()));
            return;
        }
        if (request.method() == HttpMethod.OPTIONS) {
            preflight(call, request);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            call.response.putHeader("Allow", "POST, OPTIONS");
            call.error(405, "method_not_allowed", "use POST");
            return;
        }
        if (!admitting.getAsBoolean()) {
            call.response.putHeader("Retry-After", "1");
            call.error(503, "starting", "Drover is starting and cannot take events yet; retry shortly");
            return;
        }
        if (!drain.enter()) {
            call.response.putHeader("Retry-After", "5").putHeader("Connection", "close");
            call.error(503, "shutting_down", "Drover is shutting down; retry shortly");
            return;
        }
        call.onEnd(drain::leave);
        try {
            String contentType = mediaType(request.getHeader("Content-Type"));
            if (!isJsonLabel(contentType)) {
                throw new IngestException(415, "unsupported_media_type",
                        "expected a JSON body (application/json or text/plain), got " + clip(contentType));
            }
            String encoding = request.getHeader("Content-Encoding");
            if (encoding != null && !encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
                throw new IngestException(415, "unsupported_encoding", "Content-Encoding " + clip(encoding)
                        + " is not supported (use gzip or none)");
            }
            int limit = endpoint.isBatch() ? limits.maxBatchBytes() : limits.maxMessageBytes();
            readBody(request, limit, endpoint, call, contentType);
        } catch (IngestException e) {
            call.error(e);
        } catch (RuntimeException e) {
            // Answered (and so counted out of the requests in flight) whatever went wrong.
            LOG.error("Unexpected error on {}", request.path(), e);
            call.error(500, "internal_error", "unexpected error; the request was not stored");
        }
    }

    /**
     * Reads the body, keeping at most {@code limit} bytes. A larger body is read to its end and dropped, then refused
     * with 413: answering while the client is still sending would make most clients see a reset, not the answer.
     */
    private void readBody(HttpServerRequest request, int limit, Endpoint endpoint, Call call, String contentType) {
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            call.response.writeContinue();
        }
        long declared = parseLong(request.getHeader("Content-Length"));
        boolean[] overLimit = {declared > limit};
        // Sized by Content-Length when it is sent: a fixed large buffer per request was most of the garbage.
        Buffer body = Buffer.buffer(declared > 0 && declared <= limit ? (int) declared : 1024);
        request.handler(chunk -> {
            if (!overLimit[0] && body.length() + chunk.length() > limit) {
                overLimit[0] = true;
            }
            if (!overLimit[0]) {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> call.abandon());
        request.endHandler(v -> {
            if (overLimit[0]) {
                call.error(tooLarge(endpoint, limit));
            } else if (!call.ended) {
                process(request, endpoint, body.getBytes(), call, contentType);
            }
        });
        request.resume();
    }

    /** The steps of one request: decode, admit, normalise, dedupe, write. Each refuses with an IngestException. */
    private void process(HttpServerRequest request, Endpoint endpoint, byte[] raw, Call call, String contentType) {
        try {
            byte[] json = decode(endpoint, raw);
            if (endpoint == Endpoint.CLIENT_METRICS) {
                BodyParser.readTree(json);
                metrics.clientMetrics();
                call.success();
                return;
            }
            ParsedBody body = parse(endpoint, json, contentType);
            Source source = admit(request, call, body);
            Normalised normalised = normalise(request, endpoint, body);
            if (!normalised.rejected().isEmpty() && source.strictBatches()) {
                // A strict source: one invalid message refuses the request whole, and nothing is stored.
                throw normalised.rejected().get(0).reason();
            }
            if (normalised.messages().isEmpty()) {
                refuseAll(call, source, normalised);
                return;
            }
            BufferUnavailable refused = buffer.refusal();
            if (refused != null) {
                // Before the identity store learns (and writes) links of events that would not be stored.
                refuse(call, refused);
                return;
            }
            // Before the identity store fills in ids: the cookie never reveals an id the request did not carry.
            call.anonymousId = lastAnonymousId(normalised.messages());
            List<MessageNormaliser.Normalised> messages = normalised.messages();
            boolean[] trusts = new boolean[messages.size()];
            for (int i = 0; i < messages.size(); i++) {
                // A credential for its user: never stored, nor sent to vendors, whether the store is on or not.
                String userHash = UserHash.take(messages.get(i).message());
                trusts[i] = userIdTrust.trusts(source, messages.get(i).message(), userHash);
            }
            for (int i = 0; identity != null && i < messages.size(); i++) {
                if (!identity.seeFromMemory(messages.get(i).message(), trusts[i])) {
                    // A lookup needs the disk: the rest of the request's identity work waits on a worker thread,
                    // never on the event loop (its other requests go on meanwhile).
                    seeOnWorker(call, source, normalised, trusts, i);
                    return;
                }
            }
            write(call, source, normalised);
        } catch (IngestException e) {
            call.error(e);
        } catch (RuntimeException e) {
            LOG.error("Unexpected error on {}", request.path(), e);
            call.error(500, "internal_error", "unexpected error; the request was not stored");
        }
    }

    /** The identity store's work for messages {@code from} on, on a worker thread; then the write, on the event loop. */
    private void seeOnWorker(Call call, Source source, Normalised normalised, boolean[] trusts, int from) {
        metrics.identityOffLoop();
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        context.<Void>executeBlocking(() -> {
            List<MessageNormaliser.Normalised> messages = normalised.messages();
            for (int i = from; i < messages.size(); i++) {
                identity.see(messages.get(i).message(), trusts[i]);
            }
            return null;
        }, false).onComplete(done -> {
            if (done.failed()) {
                LOG.error("Unexpected error in the identity store", done.cause());
                call.error(500, "internal_error", "unexpected error; the request was not stored");
            } else {
                try {
                    write(call, source, normalised);
                } catch (IngestException e) {
                    call.error(e);
                } catch (RuntimeException e) {
                    LOG.error("Unexpected error writing a request", e);
                    call.error(500, "internal_error", "unexpected error; the request was not stored");
                }
            }
        });
    }

    /** The JSON text of the body: inflated when gzipped, and valid Unicode. */
    private byte[] decode(Endpoint endpoint, byte[] raw) {
        int limit = endpoint.isBatch() ? limits.maxBatchBytes() : limits.maxMessageBytes();
        byte[] json = Gzip.looksGzipped(raw) ? Gzip.inflate(raw, limit) : raw;
        UnicodeCheck.require(json);
        return json;
    }

    /** The source the request authenticates as, if it may send from its origin. */
    private Source admit(HttpServerRequest request, Call call, ParsedBody body) {
        Source source = authenticate(request, body);
        call.source = source;
        if (call.origin != null && !source.allowsOrigin(call.origin)) {
            throw new IngestException(403, "origin_not_allowed",
                    "origin " + clip(call.origin) + " may not send to source '" + source.name() + "'");
        }
        return source;
    }

    /** A request's messages, validated and enriched, and those refused with their reasons. */
    private record Normalised(List<MessageNormaliser.Normalised> messages, List<FailedEvents.Rejected> rejected,
                              String receivedAt) {
    }

    private Normalised normalise(HttpServerRequest request, Endpoint endpoint, ParsedBody body) {
        MessageNormaliser.RequestFacts facts = new MessageNormaliser.RequestFacts(endpoint.type,
                endpoint.isBatch() ? body.envelope() : null, Instant.now(),
                clientAddress.resolve(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                        request.getHeader("X-Forwarded-For")),
                request.getHeader("User-Agent"), body.outOfRangeNumbers());
        List<MessageNormaliser.Normalised> messages = new ArrayList<>(body.items().size());
        List<FailedEvents.Rejected> rejected = new ArrayList<>(0);
        for (int i = 0; i < body.items().size(); i++) {
            ParsedBody.Item item = body.items().get(i);
            int index = endpoint.isBatch() ? i : -1;
            if (item.refused() != null) {
                rejected.add(new FailedEvents.Rejected(index, item.refused(), item.value(), item.bytes()));
                continue;
            }
            try {
                messages.add(normaliser.normalise(item.message(), index, facts));
            } catch (IngestException e) {
                rejected.add(new FailedEvents.Rejected(index, e, item.value(), item.bytes()));
            }
        }
        return new Normalised(messages, rejected, facts.receivedAtText());
    }

    /**
     * Every message was refused: the answer is the first one's error (400 or 413), with the list; they are kept in the
     * failed-events topic when it can take them, and the answer does not wait on that (a bad request is answered as
     * such even while Kafka is away).
     */
    private void refuseAll(Call call, Source source, Normalised normalised) {
        List<FailedEvents.Rejected> rejected = normalised.rejected();
        metrics.events(source.name(), "rejected", rejected.size());
        if (buffer.refusal() == null) {
            buffer.write(source.name(), failedEvents.records(source.name(), normalised.receivedAt(), rejected), failure -> {
                if (failure != null) {
                    LOG.warn("Could not keep {} refused messages of source {} in the failed-events topic: {}",
                            rejected.size(), source.name(), failure.toString());
                }
            });
        }
        IngestException first = rejected.get(0).reason();
        call.end(first.status(), call.errorBody(first.code(), first.getMessage(), rejected));
    }

    /**
     * Drops messages already stored (the dedupe window) or repeated in the request, then writes the others, and the
     * refused ones to the failed-events topic, in one write; the answer comes from Kafka's acknowledgement.
     */
    private void write(Call call, Source source, Normalised normalised) {
        List<MessageNormaliser.Normalised> messages = normalised.messages();
        List<EventBuffer.Record> records = new ArrayList<>(messages.size() + normalised.rejected().size());
        Set<String> inRequest = new HashSet<>();
        // Ids Drover generated cannot come back from a client: only the client's are remembered, once stored.
        long[] toRemember = new long[messages.size()];
        int remembered = 0;
        for (MessageNormaliser.Normalised m : messages) {
            byte[] dedupeHeader = EventBuffer.GENERATED_ID;
            if (m.clientMessageId()) {
                if (!inRequest.add(m.messageId())) {
                    continue;
                }
                long key = dedupe.key(source.name(), m.messageId());
                if (dedupe.contains(key)) {
                    continue;
                }
                if (!dedupe.begin(key)) {
                    // An earlier request is writing this id now: its outcome decides; the client comes back.
                    dedupe.end(toRemember, remembered, false);
                    call.response.putHeader("Retry-After", "1");
                    call.error(503, "in_flight", "message " + clip(m.messageId()) + " is being stored by an earlier"
                            + " request; retry shortly (it is stored once)");
                    return;
                }
                toRemember[remembered++] = key;
                dedupeHeader = DedupeWindow.bytes(key);
            }
            try {
                records.add(EventBuffer.Record.event(m.key(), serialise(m.message()), dedupeHeader));
            } catch (RuntimeException e) {
                dedupe.end(toRemember, remembered, false);
                throw e;
            }
        }
        int stored = records.size();
        int rememberedCount = remembered;
        int duplicates = messages.size() - stored;
        if (duplicates > 0) {
            metrics.events(source.name(), "duplicate", duplicates);
        }
        List<FailedEvents.Rejected> rejected = normalised.rejected();
        records.addAll(failedEvents.records(source.name(), normalised.receivedAt(), rejected));
        if (records.isEmpty()) {
            call.success();
            return;
        }
        buffer.write(source.name(), records, failure -> {
            dedupe.end(toRemember, rememberedCount, failure == null);
            if (failure instanceof BufferUnavailable unavailable) {
                refuse(call, unavailable);
            } else if (failure != null) {
                LOG.warn("Buffer write failed for source {} ({} messages): {}", source.name(), records.size(),
                        failure.toString());
                call.response.putHeader("Retry-After", "5");
                call.error(503, "buffer_unavailable", "the event buffer cannot take events now; retry later");
            } else {
                metrics.events(source.name(), "stored", stored);
                if (rejected.isEmpty()) {
                    call.success();
                } else {
                    metrics.events(source.name(), "rejected", rejected.size());
                    ObjectNode answer = Json.MAPPER.createObjectNode().put("success", true);
                    answer.set("rejected", FailedEvents.describe(rejected));
                    call.end(200, Buffer.buffer(answer.toString()));
                }
            }
        });
    }

    /** 503 with the buffer's reason; logged once per cause by whoever refuses (a start, the disk floor, ...). */
    private static void refuse(Call call, BufferUnavailable refused) {
        call.response.putHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
        call.error(503, refused.code(), refused.getMessage());
    }

    /** The id a browser's cookie should keep: the last one of the request (a reset mid-batch starts a new one). */
    private static String lastAnonymousId(List<MessageNormaliser.Normalised> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode id = messages.get(i).message().get("anonymousId");
            if (id != null && id.isTextual()) {
                return id.asText();
            }
        }
        return null;
    }

    private ParsedBody parse(Endpoint endpoint, byte[] json, String contentType) {
        try {
            return endpoint.isBatch() ? parser.batch(json) : parser.single(json);
        } catch (IngestException e) {
            if (contentType.equals("application/x-www-form-urlencoded") && e.code().equals("invalid_json")) {
                // A real HTML form, not JSON wearing the form label as RudderStack's Node SDK sends it.
                throw new IngestException(415, "unsupported_media_type",
                        "the body is form data, not JSON; Drover accepts JSON bodies only");
            }
            throw e;
        }
    }

    private Source authenticate(HttpServerRequest request, ParsedBody body) {
        String writeKey = null;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            writeKey = basicUser(authorization);
            if (writeKey == null) {
                throw new IngestException(401, "unauthorized", "the Authorization header must be Basic <base64(writeKey:)>");
            }
        } else {
            writeKey = bodyWriteKey(body);
        }
        if (writeKey == null) {
            // RudderStack's beacon transport: sendBeacon cannot set headers, so the key is in the query.
            writeKey = request.getParam("writeKey");
        }
        if (writeKey == null) {
            throw new IngestException(401, "unauthorized", "missing write key: send it as HTTP Basic user name, as"
                    + " 'writeKey' in the body or in the query");
        }
        Source source = sources.byWriteKey(writeKey);
        if (source == null) {
            throw new IngestException(401, "unauthorized", "invalid write key");
        }
        return source;
    }

    private static String bodyWriteKey(ParsedBody body) {
        JsonNode key = body.envelope().get("writeKey");
        if ((key == null || !key.isTextual()) && !body.items().isEmpty() && body.items().get(0).value() != null) {
            key = body.items().get(0).value().get("writeKey");
        }
        return key != null && key.isTextual() ? key.asText() : null;
    }

    private static String basicUser(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
            return user.isEmpty() ? null : user;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A CORS pre-flight: an origin some source allows may send the request headers it asks for, when they are
     * well-formed header names and not too many (SDKs add their own: RudderStack's v3 sends AnonymousId, SentAt and
     * Rsa-Retry-* on every request, and a fixed list made the browser block all of them, silently). A refused
     * pre-flight is answered 403 with the reason, counted, and logged (at most once a minute per reason).
     */
    private void preflight(Call call, HttpServerRequest request) {
        if (call.origin == null || !sources.anySourceAllowsOrigin(call.origin)) {
            refusePreflight(call, "origin", "origin " + clip(String.valueOf(call.origin)) + " is not allowed");
            return;
        }
        String asked = request.getHeader("Access-Control-Request-Headers");
        String headers = PreflightHeaders.allowed(asked);
        if (headers == null) {
            refusePreflight(call, "headers", "the requested headers are not well-formed header names, or more than "
                    + PreflightHeaders.MAX_HEADERS + ": " + clip(asked));
            return;
        }
        call.response.putHeader("Access-Control-Allow-Origin", call.origin);
        if (sources.anySourceAllowsWithCredentials(call.origin)) {
            call.response.putHeader("Access-Control-Allow-Credentials", "true");
        }
        call.response.putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", headers)
                .putHeader("Access-Control-Max-Age", "86400")
                .putHeader("Vary", "Origin, Access-Control-Request-Headers")
                .setStatusCode(204)
                .end();
        metrics.request(call.endpoint, 204, System.nanoTime() - call.started);
    }

    private void refusePreflight(Call call, String reason, String message) {
        metrics.preflightRefused(reason);
        preflightLog.warn(reason, "CORS pre-flight refused: {}", message);
        call.error(403, reason.equals("origin") ? "origin_not_allowed" : "headers_not_allowed", message);
    }

    private static byte[] serialise(JsonNode message) {
        try {
            return Json.MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            // Not expected for a tree Jackson just parsed (it escapes even lone surrogates); refused, never a 500.
            throw IngestException.badRequest("invalid_json", "the message holds text that is not valid Unicode");
        }
    }

    private static IngestException tooLarge(Endpoint endpoint, int limit) {
        return endpoint.isBatch()
                ? new IngestException(413, "body_too_large", "a batch request may be at most " + limit + " bytes")
                : new IngestException(413, "message_too_large", "a message may be at most " + limit + " bytes");
    }

    static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon >= 0 ? header.substring(0, semicolon) : header).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isJsonLabel(String mediaType) {
        return mediaType.isEmpty() || mediaType.equals("application/json") || mediaType.equals("text/plain")
                || mediaType.equals("application/x-www-form-urlencoded") || mediaType.endsWith("+json");
    }

    /** The declared Content-Length, or -1: a chunked or HTTP/2 body may declare none, and is read with the same limit. */
    private static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String clip(String s) {
        if (s == null) {
            return "none";
        }
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** One request's answer: written once, with the CORS headers its source allows. */
    private final class Call {
        final HttpServerResponse response;
        final String origin;
        final String endpoint;
        Source source;
        String anonymousId;
        volatile boolean ended;
        private Runnable onEnd;

        /** When the request's headers were read: the answer's latency is counted from here. */
        final long started = System.nanoTime();

        Call(HttpServerResponse response, String origin, String endpoint) {
            this.response = response;
            this.origin = origin;
            this.endpoint = endpoint;
        }

        void onEnd(Runnable action) {
            this.onEnd = action;
        }

        void success() {
            end(200, SUCCESS);
        }

        void error(IngestException e) {
            error(e.status(), e.code(), e.getMessage());
        }

        void error(int status, String code, String message) {
            end(status, errorBody(code, message, List.of()));
        }

        Buffer errorBody(String code, String message, List<FailedEvents.Rejected> rejected) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("success", false).put("code", code).put("message", message);
            if (!rejected.isEmpty()) {
                body.set("rejected", FailedEvents.describe(rejected));
            }
            return Buffer.buffer(body.toString());
        }

        /** The client went away before its body arrived: nothing to answer. */
        void abandon() {
            finish();
        }

        synchronized void end(int status, Buffer body) {
            if (ended) {
                return;
            }
            boolean allowed = origin != null
                    && (source != null ? source.allowsOrigin(origin) : sources.anySourceAllowsOrigin(origin));
            if (allowed) {
                response.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
                // Never with a wildcard: only an origin the source names may send credentials (and get the cookie).
                if (source != null ? source.allowsWithCredentials(origin) : sources.anySourceAllowsWithCredentials(origin)) {
                    response.putHeader("Access-Control-Allow-Credentials", "true");
                }
            }
            String cookie = status == 200 && source != null ? AnonymousIdCookie.header(source, origin, anonymousId) : null;
            if (cookie != null) {
                response.putHeader("Set-Cookie", cookie);
            }
            if (!response.ended() && !response.closed()) {
                response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
            }
            metrics.request(endpoint, status, System.nanoTime() - started);
            finish();
        }

        private synchronized void finish() {
            if (!ended) {
                ended = true;
                if (onEnd != null) {
                    onEnd.run();
                }
            }
        }
    }
}
