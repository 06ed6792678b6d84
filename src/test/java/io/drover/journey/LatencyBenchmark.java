package io.drover.journey;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What timing every delivered event costs the delivery path (Recorder.latency: the receivedAt field, read by hand,
 * and the answer's time). Run: see docs/console.md ("Journeys").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LatencyBenchmark {

    private final ObjectNode event = new ObjectMapper().createObjectNode().put("type", "track").put("event", "Order Completed")
            .put("userId", "u1").put("messageId", "m1").put("timestamp", "2026-12-01T10:00:00.000Z")
            .put("receivedAt", Instant.now().toString().substring(0, 23) + "Z");
    private final Call call = new Call(System.currentTimeMillis(), "POST", "http://127.0.0.1/x", Map.of(), "{}", 100, 1);

    public LatencyBenchmark() {
        call.answered(200, "{}", 100, System.currentTimeMillis());
    }

    @Benchmark
    public long latency() {
        return Recorder.latency(event, call, System.currentTimeMillis());
    }
}
