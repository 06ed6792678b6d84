package io.drover.console;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;

/**
 * The Drover instance that answers. Funnels and journeys are kept in memory by each instance for the partitions its
 * consumers read, so every answer that holds them names its instance: {@code drover.instance-id} when set, else the
 * host name (a container's, in docker/compose.yaml), with the process id and its start.
 */
final class Instance {

    private final ObjectNode description;

    Instance(CamelContext context) {
        String id = context.resolvePropertyPlaceholders("{{drover.instance-id:}}").trim();
        String host = host();
        description = JsonNodeFactory.instance.objectNode().put("name", id.isEmpty() ? host : id).put("host", host)
                .put("pid", ProcessHandle.current().pid())
                .put("startedAt", Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).toString());
    }

    /** HOSTNAME as the shell and docker set it; else the local host's own name (from the system, once). */
    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "pid-" + ProcessHandle.current().pid();
        }
    }

    ObjectNode toJson() {
        return description.deepCopy();
    }
}
