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
import io.drover.config.Source;
import io.drover.buffer.BufferUnavailable;
import io.drover.buffer.EventBuffer;
import io.drover.identity.IdentityStore;
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
    /** X-Retry-Count: analytics-next marks its retries with it; without it here the browser blocks every retry. */
    private static final String ALLOWED_HEADERS = "authorization, content-type, content-encoding, x-retry-count";

    private final Sources sources;
    private final EventBuffer buffer;
    /** Fills known ids into events and learns new links; null when the identity store is off. */
    private final IdentityStore identity;
    private final DedupeWindow dedupe;
    private final ClientAddress clientAddress;
    private final BodyParser parser;
    private final MessageNormaliser normaliser = new MessageNormaliser();
    private final IngestLimits limits;
    private final Drain drain;
    /** False until ingestion may take events (the dedupe window is restored). */
    private final BooleanSupplier admitting;
    final IngestMetrics metrics;

    IngestHandler(Sources sources, EventBuffer buffer, DedupeWindow dedupe, ClientAddress clientAddress,
                  IngestLimits limits, Drain drain, IngestMetrics metrics, IdentityStore identity,
                  BooleanSupplier admitting) {
        this.admitting = admitting;
        this.identity = identity;
        this.sources = sources;
        this.buffer = buffer;
        this.dedupe = dedupe;
        this.clientAddress = clientAddress;
        this.limits = limits;
        this.parser = new BodyParser(limits.maxMessageBytes(), limits.maxBatchMessages());
        this.drain = drain;
        this.metrics = metrics;
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
            preflight(call);
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

    private void process(HttpServerRequest request, Endpoint endpoint, byte[] raw, Call call, String contentType) {
        try {
            int limit = endpoint.isBatch() ? limits.maxBatchBytes() : limits.maxMessageBytes();
            byte[] json = Gzip.looksGzipped(raw) ? Gzip.inflate(raw, limit) : raw;
            UnicodeCheck.require(json);
            if (endpoint == Endpoint.CLIENT_METRICS) {
                BodyParser.readTree(json);
                metrics.clientMetrics();
                call.success();
                return;
            }
            ParsedBody body = parse(endpoint, json, contentType);
            Source source = authenticate(request, body);
            call.source = source;
            if (call.origin != null && !source.allowsOrigin(call.origin)) {
                throw new IngestException(403, "origin_not_allowed",
                        "origin " + clip(call.origin) + " may not send to source '" + source.name() + "'");
            }
            MessageNormaliser.RequestFacts facts = new MessageNormaliser.RequestFacts(endpoint.type,
                    endpoint.isBatch() ? body.envelope() : null, Instant.now(),
                    clientAddress.resolve(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                            request.getHeader("X-Forwarded-For")),
                    request.getHeader("User-Agent"));
            List<MessageNormaliser.Normalised> messages = new ArrayList<>(body.items().size());
            for (int i = 0; i < body.items().size(); i++) {
                messages.add(normaliser.normalise(body.items().get(i).message(), endpoint.isBatch() ? i : -1, facts));
            }
            BufferUnavailable refused = buffer.refusal();
            if (refused != null) {
                // Before the identity store learns (and writes) links of events that would not be stored.
                refuse(call, refused);
                return;
            }
            if (identity != null) {
                for (MessageNormaliser.Normalised m : messages) {
                    identity.see(m.message());
                }
            }
            call.anonymousId = lastAnonymousId(messages);
            List<EventBuffer.Record> records = new ArrayList<>(messages.size());
            Set<String> inRequest = new HashSet<>();
            // Ids Drover generated cannot come back from a client: only the client's are remembered, once stored.
            long[] toRemember = new long[messages.size()];
            int remembered = 0;
            for (MessageNormaliser.Normalised m : messages) {
                if (m.clientMessageId()) {
                    if (!inRequest.add(m.messageId())) {
                        continue;
                    }
                    long key = dedupe.key(source.name(), m.messageId());
                    if (dedupe.contains(key)) {
                        continue;
                    }
                    toRemember[remembered++] = key;
                }
                records.add(new EventBuffer.Record(m.key(), serialise(m.message())));
            }
            int rememberedCount = remembered;
            int duplicates = messages.size() - records.size();
            if (duplicates > 0) {
                metrics.events(source.name(), "duplicate", duplicates);
            }
            if (records.isEmpty()) {
                call.success();
                return;
            }
            buffer.write(source.name(), records, failure -> {
                if (failure instanceof BufferUnavailable unavailable) {
                    refuse(call, unavailable);
                } else if (failure != null) {
                    LOG.warn("Buffer write failed for source {} ({} messages): {}", source.name(), records.size(),
                            failure.toString());
                    call.response.putHeader("Retry-After", "5");
                    call.error(503, "buffer_unavailable", "the event buffer cannot take events now; retry later");
                } else {
                    for (int i = 0; i < rememberedCount; i++) {
                        dedupe.remember(toRemember[i]);
                    }
                    metrics.events(source.name(), "stored", records.size());
                    call.success();
                }
            });
        } catch (IngestException e) {
            call.error(e);
        } catch (RuntimeException e) {
            LOG.error("Unexpected error on {}", request.path(), e);
            call.error(500, "internal_error", "unexpected error; the request was not stored");
        }
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
            throw new IngestException(401, "unauthorized",
                    "missing write key: send it as HTTP Basic user name or as 'writeKey' in the body");
        }
        Source source = sources.byWriteKey(writeKey);
        if (source == null) {
            throw new IngestException(401, "unauthorized", "invalid write key");
        }
        return source;
    }

    private static String bodyWriteKey(ParsedBody body) {
        JsonNode key = body.envelope().get("writeKey");
        if ((key == null || !key.isTextual()) && !body.items().isEmpty()) {
            key = body.items().get(0).message().get("writeKey");
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

    private void preflight(Call call) {
        if (call.origin == null || !sources.anySourceAllowsOrigin(call.origin)) {
            call.error(403, "origin_not_allowed", "origin " + clip(String.valueOf(call.origin)) + " is not allowed");
            return;
        }
        call.response.putHeader("Access-Control-Allow-Origin", call.origin)
                .putHeader("Access-Control-Allow-Credentials", "true")
                .putHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                .putHeader("Access-Control-Max-Age", "86400")
                .putHeader("Vary", "Origin")
                .setStatusCode(204)
                .end();
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
            String body = Json.MAPPER.createObjectNode().put("success", false).put("code", code).put("message", message)
                    .toString();
            end(status, Buffer.buffer(body));
        }

        /** The client went away before its body arrived: nothing to answer. */
        void abandon() {
            finish();
        }

        private synchronized void end(int status, Buffer body) {
            if (ended) {
                return;
            }
            boolean allowed = origin != null
                    && (source != null ? source.allowsOrigin(origin) : sources.anySourceAllowsOrigin(origin));
            if (allowed) {
                response.putHeader("Access-Control-Allow-Origin", origin)
                        .putHeader("Access-Control-Allow-Credentials", "true")
                        .putHeader("Vary", "Origin");
            }
            String cookie = status == 200 && source != null ? AnonymousIdCookie.header(source, origin, anonymousId) : null;
            if (cookie != null) {
                response.putHeader("Set-Cookie", cookie);
            }
            if (!response.ended() && !response.closed()) {
                response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
            }
            metrics.request(endpoint, status);
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
