package io.drover.integration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guard's reading of hosts (numeric forms refused without any lookup), its resolver (unit, with stand-in
 * lookups), and the resolver where camel-http connects: live calls go to a stand-in on 127.0.0.1 only.
 */
class TargetGuardTest {

    private final WireMockServer standIn = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private final List<String> lookups = new ArrayList<>();

    /** A lookup that must not be asked: every host below is refused or parsed as a literal. */
    private final TargetGuard.Lookup noLookup = host -> {
        lookups.add(host);
        throw new AssertionError("looked up " + host);
    };

    @BeforeEach
    void start() {
        standIn.start();
        standIn.stubFor(any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(ok("reached")));
    }

    @AfterEach
    void stop() {
        standIn.stop();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f000001/",
        "http://017700000001/", "http://127.1/", "http://127.0.1/", "http://0x7f.1/", "http://127.000.000.001/",
        "http://127.0.0.1./", "http://0/", "http://1.2.3.4.5/", "http://intranet.127/", "http://0300.0250.0.1/",
        "https://3232235521:8443/", "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data"})
    void numericHostsThatAreNotDottedQuadsAreRefusedWithoutALookup(String url) {
        for (boolean allowPrivate : new boolean[] {false, true}) {
            TargetGuard guard = new TargetGuard(allowPrivate, noLookup);
            assertThatThrownBy(() -> guard.check("the endpoint", url)).isInstanceOf(TargetGuard.Refused.class)
                    .hasMessageContaining("not a dotted quad");
            String host = hostOf(url);
            assertThatThrownBy(() -> guard.resolve(host)).isInstanceOf(TargetGuard.Refused.class);
        }
        assertThat(lookups).isEmpty();
    }

    private static String hostOf(String url) {
        String authority = url.substring(url.indexOf("//") + 2);
        authority = authority.substring(0, authority.indexOf('/'));
        return authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1/", "http://user:pw@127.0.0.1:8080/", "http://[::1]/", "http://[::127.0.0.1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/", "http://[2002:7f00:1::]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://[fe80::1]/", "http://198.18.0.1/", "http://169.254.169.254/latest/meta-data",
        "https://[64:ff9b::a9fe:a9fe]/"})
    void literalsOfRefusedAddressesAreRefusedWithoutALookup(String url) {
        TargetGuard guard = new TargetGuard(false, noLookup);
        assertThatThrownBy(() -> guard.check("the endpoint", url)).isInstanceOf(TargetGuard.Refused.class)
                .hasMessageContaining(TargetGuard.SETTING);
        assertThat(lookups).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file:///etc/passwd", "gopher://127.0.0.1:70/", "http:///nohost", "http://exa mple.com/",
        "http://\u2460\u2461\u2466.0.0.1/", "http://b\u00fccher.example/"})
    void urlsWithoutAPlainHttpHostAreRefused(String url) {
        TargetGuard guard = new TargetGuard(true, noLookup);
        assertThatThrownBy(() -> guard.check("the endpoint", url)).isInstanceOf(TargetGuard.Refused.class);
        assertThat(lookups).isEmpty();
    }

    @Test
    void aPublicLiteralPassesAndNamesAreCheckedByEveryAddressTheyResolveTo() throws Exception {
        InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        InetAddress publicOne = InetAddress.getByAddress(new byte[] {8, 8, 8, 8});   // classified, never connected to
        TargetGuard strict = new TargetGuard(false, host -> new InetAddress[] {publicOne, loopback});
        strict.check("the endpoint", "https://8.8.8.8/collect");
        // At load: a name with any refused address is refused.
        assertThatThrownBy(() -> strict.check("the endpoint", "https://mixed.test/x"))
                .isInstanceOf(TargetGuard.Refused.class).hasMessageContaining("mixed.test is 127.0.0.1, 127.0.0.0/8");
        // At the connection: only the allowed addresses are given to the client.
        assertThat(strict.resolve("mixed.test")).containsExactly(publicOne);
        assertThat(strict.resolve("mixed.test", 443)).extracting(a -> a.getAddress()).containsExactly(publicOne);
    }

    @Test
    void theResolverRefusesANameThatResolvesToLoopbackAndAllowsItWhenPrivateTargetsAre() throws Exception {
        // The system's resolver: localhost is 127.0.0.1 (and maybe ::1), both refused.
        assertThatThrownBy(() -> new TargetGuard(false).resolve("localhost")).isInstanceOf(TargetGuard.Refused.class)
                .hasMessageContaining("the connection to localhost is refused: localhost is ")
                .hasMessageContaining("loopback");
        assertThat(new TargetGuard(true).resolve("localhost")).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
    }

    @Test
    void aNameThatDoesNotResolveIsUnknownNotRefused() {
        TargetGuard guard = new TargetGuard(false, host -> {
            throw new UnknownHostException(host);
        });
        assertThatThrownBy(() -> guard.check("the endpoint", "https://nowhere.test/"))
                .isInstanceOf(UnknownHostException.class).isNotInstanceOf(TargetGuard.Refused.class);
    }

    /** The pool camel-http gets from Drover's component, in a plain HttpClient: no check before, only the resolver. */
    @Test
    void aConnectionThroughDroversPoolToANameResolvingToLoopbackIsRefusedByTheResolver() throws Exception {
        GuardedHttpComponent component = new GuardedHttpComponent(new TargetGuard(false));
        HttpClientConnectionManager pool = component.createConnectionManager(RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory()).build(), 0, 0, SocketConfig.DEFAULT);
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(pool).build()) {
            assertThatThrownBy(() -> client.execute(new HttpGet("http://localhost:" + standIn.port() + "/x"), r -> r.getCode()))
                    .isInstanceOf(TargetGuard.Refused.class).hasMessageContaining("loopback");
        }
        assertThat(standIn.getAllServeEvents()).isEmpty();
    }

    /**
     * DNS rebinding through camel-http itself: the name does not resolve when the endpoint is made (so nothing is
     * refused then), and resolves to 127.0.0.1 when the call connects. The resolver refuses it and the stand-in
     * hears nothing; with private targets allowed the same call arrives, which shows that camel-http's connection
     * went through Drover's resolver (the system cannot resolve that name).
     */
    @Test
    void aNameRebindingToLoopbackAfterTheCheckIsRefusedWhenCamelHttpConnects() throws Exception {
        InetAddress loopback = InetAddress.getByAddress("rebind.drover.test", new byte[] {127, 0, 0, 1});
        Exchange refused = call(TestGuards.rebindingToLoopback("rebind.drover.test", false),
                "http://rebind.drover.test:" + standIn.port() + "/x");
        assertThat(refused.getException()).isInstanceOf(TargetGuard.Refused.class)
                .hasMessageContaining("the connection to rebind.drover.test is refused");
        assertThat(standIn.getAllServeEvents()).isEmpty();
        assertThat(BatchDelivery.isRetryable(refused.getException())).as("dead-lettered, not retried").isFalse();

        Exchange allowed = call(new TargetGuard(true, host -> new InetAddress[] {loopback}),
                "http://rebind.drover.test:" + standIn.port() + "/x");
        assertThat(allowed.getException()).isNull();
        assertThat(allowed.getMessage().getBody(String.class)).isEqualTo("reached");
    }

    @Test
    void redirectsAreNotFollowedEvenWhenAnEndpointAsks() throws Exception {
        standIn.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + standIn.port() + "/elsewhere")));
        Exchange answer = call(new TargetGuard(true), "http://127.0.0.1:" + standIn.port()
                + "/moved?followRedirects=true&throwExceptionOnFailure=false&httpMethod=GET");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(302);
        assertThat(standIn.getAllServeEvents()).extracting(e -> e.getRequest().getUrl()).containsExactly("/moved");
    }

    @Test
    void anEndpointMayNotBringItsOwnConnectionManager() throws Exception {
        GuardedHttpComponent component = new GuardedHttpComponent(new TargetGuard(false));
        assertThatThrownBy(() -> component.setClientConnectionManager(null)).isInstanceOf(UnsupportedOperationException.class);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addComponent("http", component);
            context.start();
            assertThatThrownBy(() -> context.getEndpoint("http://127.0.0.1:1/x?clientConnectionManager=#pool"))
                    .rootCause().hasMessageContaining("sets clientConnectionManager: Drover's vendor calls use its own");
        }
    }

    /** One call through a CamelContext whose http component is Drover's, with this guard. */
    private static Exchange call(TargetGuard guard, String uri) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addComponent("http", new GuardedHttpComponent(guard));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:call").routeId("call").to(uri);
                }
            });
            context.start();
            return context.createProducerTemplate().send("direct:call", e -> e.getMessage().setBody(""));
        }
    }
}
