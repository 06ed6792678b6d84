package io.drover;

import io.drover.config.Settings;
import io.drover.config.Sources;
import io.drover.ingest.IngestServer;
import io.drover.integration.IntegrationModules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last lines of a start: where the API, the tag and the admin port are, what runs; and on a first run with the
 * generated default source, its write key and a first event to send (on the console only: a key is never logged).
 */
final class Banner {

    private static final Logger LOG = LoggerFactory.getLogger(Banner.class);

    private Banner() {
    }

    static void show(Settings settings, IngestServer server, Sources sources, IntegrationModules modules) {
        String host = settings.string("drover.http.host");
        String api = "http://" + (host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host) + ":" + server.port();
        String adminHost = settings.string("drover.admin.host");
        String admin = "http://" + (adminHost.equals("0.0.0.0") ? "localhost" : adminHost) + ":"
                + settings.integer("drover.admin.port");
        LOG.info("Ingestion API {}/v1/ (tag {}/drover.js); admin {}/admin/integrations, health {}/observe/health,"
                + " metrics {}/observe/metrics", api, api, admin, admin, admin);
        LOG.info("Integrations: {} running, {} not started (see {}/admin/integrations)", modules.modules().size(),
                modules.errors().size(), admin);
        if (sources.isGeneratedDefault()) {
            String key = sources.all().get(0).writeKey();
            System.out.printf("%nDrover runs with its embedded default. Write key of the 'default' source: %s%n"
                    + "Try it:%n  curl -u '%s:' -H 'Content-Type: application/json' "
                    + "-d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}' %s/v1/track%n%n", key, key, api);
        }
    }
}
