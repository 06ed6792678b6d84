package io.drover.integration;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The entry point for running Drover's vendor modules inside another Camel application, without Drover's ingestion:
 * the application keeps its own routes and writes Segment-spec events (JSON) to a Kafka topic of its own; Drover's
 * route template, consumer, delivery, retries and dead letters take them to the vendors.
 * <pre>
 * DroverIntegrations.install(context, "kafka:9092", "shop.events", false);
 * DroverIntegrations.load(context, "classpath:integrations/ga4.yaml");
 * </pre>
 * Drover's own server registers the same pieces through {@link #register}.
 */
public final class DroverIntegrations {

    private DroverIntegrations() {
    }

    /**
     * Registers the {@code drover-events} component, the delivery steps ({@code droverRequests},
     * {@code droverPrepare}, {@code droverCheck}, {@code droverSent}) and camel-http's {@code http} and {@code https}
     * components with Drover's {@link TargetGuard} (private targets refused unless {@code allowPrivateTargets}; this
     * holds for every HTTP call of the context), points the {@code kafka}
     * component at the cluster when it has no brokers yet (it writes the dead letters), and loads the shared routes
     * (the {@code drover-integration} template and the {@code dead-letter} route) from Drover's jar.
     */
    public static void install(CamelContext context, String bootstrapServers, String topic, boolean allowPrivateTargets)
            throws Exception {
        register(context, bootstrapServers, topic, null, null, allowPrivateTargets);
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        if (kafka.getConfiguration().getBrokers() == null || kafka.getConfiguration().getBrokers().isBlank()) {
            kafka.getConfiguration().setBrokers(bootstrapServers);
        }
        load(context, "classpath:routes/integration.yaml");
        // Their parameters, declared once in routes/parameters.yaml (defaults, required ones).
        TemplateParameters.load().declare(context);
        load(context, "classpath:routes/dead-letter.yaml");
    }

    /** The component every module reads from and the bean around every vendor call. */
    public static void register(CamelContext context, String bootstrapServers, String topic, Short replicationFactor,
                                String instanceId, boolean allowPrivateTargets) {
        EventsComponent events = new EventsComponent();
        events.setBootstrapServers(bootstrapServers);
        events.setTopic(topic);
        events.setReplicationFactor(replicationFactor);
        events.setInstanceId(instanceId);
        context.addComponent("drover-events", events);
        // Steps of the template as plain processors: Camel's bean step keys its method cache on the arguments, and
        // hashed every event tree of a batch on every call (a tenth of the delivery's CPU in the profile).
        TargetGuard guard = new TargetGuard(allowPrivateTargets);
        context.getRegistry().bind(TargetGuard.BEAN, guard);
        registerHttp(context, guard);
        Delivery delivery = new Delivery(guard);
        context.getRegistry().bind("droverRequests", (Processor) delivery::requests);
        context.getRegistry().bind("droverPrepare", (Processor) delivery::prepare);
        context.getRegistry().bind("droverCheck", (Processor) delivery::check);
        context.getRegistry().bind("droverSent", (Processor) delivery::sent);
    }

    /**
     * camel-http's {@code http} and {@code https} components as Drover's {@link GuardedHttpComponent} (one instance for
     * both schemes), before anything created them: every HTTP call of the context then connects only to addresses the
     * guard allows.
     */
    private static void registerHttp(CamelContext context, TargetGuard guard) {
        GuardedHttpComponent http = new GuardedHttpComponent(guard);
        for (String scheme : new String[] {"http", "https"}) {
            org.apache.camel.Component existing = context.hasComponent(scheme);
            if (existing instanceof GuardedHttpComponent) {
                return;   // registered already (a second install)
            }
            if (existing != null) {
                throw new IllegalStateException("The CamelContext already has an '" + scheme + "' component: Drover's"
                        + " vendor calls need its own, which refuses private targets. Install Drover's integrations"
                        + " before anything uses camel-http.");
            }
        }
        context.addComponent("http", http);
        context.addComponent("https", http);
    }

    /** Loads a YAML file of routes, templates or modules ({@code classpath:} or {@code file:}) into the context. */
    public static void load(CamelContext context, String location) throws Exception {
        Resource resource = ResourceHelper.resolveMandatoryResource(context, location);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
        for (RoutesBuilder builder : builders) {
            context.addRoutes(builder);
            context.addTemplatedRoutes(builder);
        }
    }
}
