package io.drover.destinations.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One call to a vendor, as a module's {@code request} bean builds it when a batch needs more than one request (a
 * vendor's count or byte limit, one request per user, another path for profiles). The events it carries are what
 * counts as delivered when it succeeds (an event that several requests of the batch carry, once all of them
 * succeeded: a retry sends each of them again), and what its {@link ResponseReader} may reject.
 *
 * @param method  HTTP method; {@code null}: the module's {@code method}
 * @param url     full URL with its query; {@code null}: the module's {@code endpoint}
 * @param headers HTTP headers to send (Content-Type included)
 * @param body    the exact body
 * @param events  the selected events this request carries
 * @param reader  how to read the vendor's answer; {@link ResponseReader#STATUS} when only the status matters
 */
public record VendorRequest(String method, String url, Map<String, String> headers, String body, List<ObjectNode> events,
                            ResponseReader reader) {

    public VendorRequest {
        headers = Map.copyOf(headers);
        events = List.copyOf(events);
        reader = reader == null ? ResponseReader.STATUS : reader;
    }

    /** A JSON POST to the module's endpoint. */
    public static VendorRequest json(String body, List<ObjectNode> events) {
        return new VendorRequest(null, null, Map.of("Content-Type", "application/json"), body, events, null);
    }

    public VendorRequest withUrl(String url) {
        return new VendorRequest(method, url, headers, body, events, reader);
    }

    public VendorRequest withMethod(String method) {
        return new VendorRequest(method, url, headers, body, events, reader);
    }

    public VendorRequest withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new VendorRequest(method, url, h, body, events, reader);
    }

    public VendorRequest withReader(ResponseReader reader) {
        return new VendorRequest(method, url, headers, body, events, reader);
    }
}
