package io.drover.tag;

import io.drover.ingest.IngestServer;
import org.apache.camel.support.service.ServiceSupport;

/** Serves the first-party tag, {@code /drover.js}, on the ingestion API's server (the same host the tag sends to). */
public final class TagService extends ServiceSupport {

    public static final String PATH = "/drover.js";

    private final IngestServer server;

    public TagService(IngestServer server) {
        this.server = server;
    }

    /** Mounts the handler before the ingestion port opens. */
    @Override
    protected void doStart() {
        server.router().route(PATH).handler(new TagHandler(TagScript.load()));
    }

    @Override
    protected void doStop() {
        // The route goes with the HTTP server.
    }
}
