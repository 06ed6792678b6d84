package io.drover.tag;

import io.drover.config.Settings;
import io.drover.ingest.HttpServers;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Serves the first-party tag, {@code /drover.js}, on the ingestion API's server (the same host the tag sends to). */
public final class TagService extends ServiceSupport {

    public static final String PATH = "/drover.js";

    private final CamelContext context;
    private final int port;

    public TagService(CamelContext context, Settings settings) {
        this.context = context;
        this.port = settings.integer("drover.http.port", 8080);
    }

    /** Mounts the handler once Camel's HTTP server runs (a Camel service started after it). */
    @Override
    protected void doStart() {
        HttpServers.router(context, port).route(PATH).handler(new TagHandler(TagScript.load()));
    }

    @Override
    protected void doStop() {
        // The route goes with the HTTP server.
    }
}
