package io.drover.integration;

import java.net.UnknownHostException;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-http as Drover calls vendors with it, registered as the {@code http} and {@code https} components (one
 * instance, so that the {@code camel.component.http.*} settings hold for https URLs too):
 * <ul>
 * <li>every connection pool resolves names through the {@link TargetGuard}, so a connection goes only to an address
 * that was classified as it was resolved (camel-http 4.18 builds one pool per endpoint in
 * {@code createConnectionManager(Registry, int, int, SocketConfig)}; this is that method with the resolver added);</li>
 * <li>an endpoint whose URL the guard refuses is not created: the route, and so the module, does not start, and says
 * why (a name that does not resolve yet is allowed then, and checked at each connection);</li>
 * <li>redirects are never followed, whatever an endpoint's options say, and no endpoint may bring a connection
 * manager or client configurer of its own.</li>
 * </ul>
 */
public class GuardedHttpComponent extends HttpComponent {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedHttpComponent.class);

    private final TargetGuard guard;

    public GuardedHttpComponent(TargetGuard guard) {
        this.guard = guard;
        setRedirectHandlingDisabled(true);
    }

    public TargetGuard guard() {
        return guard;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        for (String option : new String[] {"clientConnectionManager", "httpClientConfigurer"}) {
            if (parameters.containsKey(option)) {
                throw new IllegalArgumentException("the endpoint " + VendorCall.redact(uri) + " sets " + option
                        + ": Drover's vendor calls use its own, which refuses private targets");
            }
        }
        HttpEndpoint endpoint = (HttpEndpoint) super.createEndpoint(uri, remaining, parameters);
        String url = endpoint.getHttpUri().toString();
        try {
            guard.check("the endpoint", url);
        } catch (TargetGuard.Refused e) {
            throw e;
        } catch (UnknownHostException e) {
            LOG.warn("The endpoint {}: {} does not resolve now; its addresses are checked at each connection",
                    VendorCall.redact(url), e.getMessage());
        }
        return endpoint;
    }

    @Override
    protected HttpClientConnectionManager createConnectionManager(Registry<ConnectionSocketFactory> registry,
                                                                  int maxTotalConnections, int connectionsPerRoute,
                                                                  SocketConfig defaultSocketConfig) {
        PoolingHttpClientConnectionManager manager = pool(registry, guard, getConnectionTimeToLive());
        int total = maxTotalConnections == 0 ? getMaxTotalConnections() : maxTotalConnections;
        if (total > 0) {
            manager.setMaxTotal(total);
        }
        manager.setDefaultSocketConfig(defaultSocketConfig);
        int perRoute = connectionsPerRoute == 0 ? getConnectionsPerRoute() : connectionsPerRoute;
        if (perRoute > 0) {
            manager.setDefaultMaxPerRoute(perRoute);
        }
        return manager;
    }

    @Override
    protected HttpClientBuilder createHttpClientBuilder(String uri, Map<String, Object> parameters,
                                                        Map<String, Object> httpClientOptions) {
        // Wins over followRedirects=true (HttpClientBuilder adds no redirect step once this is set).
        return super.createHttpClientBuilder(uri, parameters, httpClientOptions).disableRedirectHandling();
    }

    /** A shared pool would bypass the guard unless it was made with it: refused. */
    @Override
    public void setClientConnectionManager(HttpClientConnectionManager clientConnectionManager) {
        throw new UnsupportedOperationException("Drover's http component makes its own connection pools, which"
                + " refuse private targets; a connection manager of its own cannot be set");
    }

    /**
     * An HTTP client for a call Drover makes outside camel-http (Google's token endpoint): the same guarded resolver,
     * no redirects, no automatic retries, {@code timeout} to connect and to answer.
     */
    public static CloseableHttpClient client(TargetGuard guard, Timeout timeout) {
        Registry<ConnectionSocketFactory> registry = RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", SSLConnectionSocketFactory.getSocketFactory()).build();
        PoolingHttpClientConnectionManager manager = pool(registry, guard, -1);
        manager.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).build());
        return HttpClients.custom().setConnectionManager(manager).disableRedirectHandling().disableAutomaticRetries()
                .disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout).build())
                .build();
    }

    @SuppressWarnings("deprecation")
    private static PoolingHttpClientConnectionManager pool(Registry<ConnectionSocketFactory> registry,
                                                           TargetGuard guard, long timeToLiveMillis) {
        return new PoolingHttpClientConnectionManager(registry, PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO,
                TimeValue.ofMilliseconds(timeToLiveMillis), null, guard, null);
    }
}
