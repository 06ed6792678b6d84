package io.drover.bench;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The benchmark's baseline: a bare Camel platform-http (Vert.x) route that answers {@code {"success":true}} to
 * {@code POST /v1/track} and does nothing else. Drover's single-event throughput is reported as a ratio of this one,
 * measured in the same run, so that the figure says what Drover's own work costs on top of Camel's HTTP server.
 *
 * <p>Not a test: started by {@code bench/run.sh} in its own JVM. Usage: {@code BareRoute <port>}.
 */
public final class BareRoute {

    private BareRoute() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("Usage: BareRoute <port>");
            System.exit(2);
        }
        Main main = new Main();
        // Drover's application.properties is on the same class path (target/classes): do not load it, or this JVM
        // would also load Drover's Kafka route. The baseline gets only the HTTP server settings below.
        main.setDefaultPropertyPlaceholderLocation("false");
        main.addOverrideProperty("camel.main.name", "bare-route");
        main.addOverrideProperty("camel.main.jmx-enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.host", "127.0.0.1");
        main.addOverrideProperty("camel.server.port", args[0]);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/v1/track?httpMethodRestrict=POST")
                        .routeId("bare-track")
                        .setBody(constant("{\"success\":true}"))
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
            }
        });
        main.run();
    }
}
