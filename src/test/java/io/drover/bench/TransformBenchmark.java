package io.drover.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.GoldenFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event cost of a vendor's request bean (issue 4: under 5 µs per event): the bean turns a batch of the shared
 * golden events (every file of src/test/resources/events, repeated to {@value #BATCH}) into its request(s), as the
 * integration route calls it, and the time is reported per event. Parsing, selection and the HTTP call are not
 * included. Run with bench/transforms.sh (docs/benchmarks.md); the vendors come from {@link VendorBeans}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransformBenchmark {

    static final int BATCH = 100;

    /** A name of {@link VendorBeans}; bench/transforms.sh passes them all (-p vendor=a,b,...). */
    @Param({"webhook", "braze"})
    public String vendor;

    private Processor bean;
    private List<ObjectNode> events;
    private CamelContext context;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bean = VendorBeans.bean(vendor);
        List<String> names = GoldenFiles.eventNames();
        events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            // Distinct objects, as the consumer parses each record into its own tree.
            events.add(GoldenFiles.event(names.get(i % names.size())));
        }
        context = new DefaultCamelContext();
        context.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        context.stop();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object transform() throws Exception {
        Exchange exchange = new DefaultExchange(context);
        io.drover.integration.BatchState.of(exchange).selected(events);
        exchange.getIn().setBody(new ArrayList<>(events));
        bean.process(exchange);
        return exchange.getIn().getBody();
    }
}
