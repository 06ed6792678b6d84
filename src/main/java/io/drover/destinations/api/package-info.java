/**
 * The contract a destination written in Java compiles against: the page to read before writing one. Drover's own
 * eleven destinations ({@code io.drover.destinations.*}) use nothing else of the engine. A vendor that needs no Java
 * is a playbook module instead (docs/playbooks.md, docs/first-vendor.md).
 *
 * <h2>What a bean receives</h2>
 * A request bean is a Camel {@code Processor} named {@code request} in its module file (docs/integrations.md). Its
 * body is the {@code List<ObjectNode>} of selected events (Segment JSON as stored, in order). The events are
 * read-only: the same trees go to every integration, on their own threads, so a bean builds new nodes.
 * {@link io.drover.destinations.api.Batch#of Batch.of(exchange)} is how it reports on single events, and gives it
 * the delivery's clock and each event's stored JSON.
 *
 * <h2>What it returns</h2>
 * It leaves in the body a {@code List<}{@link io.drover.destinations.api.VendorRequest}{@code >} (or one, or a
 * String body for the module's endpoint): one call each, with its method and URL ({@code null}: the module's),
 * headers, body, the events it carries (they count as delivered when it succeeds; an event several requests carry,
 * when all of them succeeded) and how to read the answer.
 * {@link io.drover.destinations.api.Chunks} cuts a batch to a vendor's count and byte limits.
 *
 * <h2>Mapped, left out, refused: one shape</h2>
 * A bean maps each event to a {@link io.drover.destinations.api.Mapped}: {@code Mapped.to(value)};
 * {@code Mapped.notForVendor()} (an identify for an ads API: not sent, not counted) or {@code Mapped.leftOut(reason)}
 * (on purpose, counted as filtered); or {@code Mapped.refused(code, reason)}: the event is dead-lettered with the
 * reason, which names the field or rule so that an operator can fix the event, and counted by code
 * ({@code missing_field}, {@code invalid_name}, {@code too_large}). {@link io.drover.destinations.api.Mapped#each}
 * is the loop: it maps, reports and returns what is to be sent. An exception from the bean dead-letters the whole
 * batch: keep that for bugs.
 *
 * <h2>How answers are read</h2>
 * A {@link io.drover.destinations.api.ResponseReader} is called with every answer, whatever its status, and returns
 * a {@code Verdict}: delivered, or which events the vendor refused for good (dead letters, with its reason) and
 * which came too early (sent again later). It throws a {@link io.drover.destinations.api.DeliveryException} to fail
 * the whole request, retryable or not; {@code DeliveryException.answered(status, body, retryAfter)} classifies a
 * status as design.md says, and {@code ResponseReader.STATUS}, the default, is just that. A retry sends only the
 * events still open. A bean that makes calls of its own (an OAuth token) makes them through
 * {@link io.drover.destinations.api.GuardedHttp}.
 *
 * <h2>An example</h2>
 * <pre>{@code
 * public class AcmeRequest implements Processor {
 *     private String token;
 *     public void setToken(String token) { this.token = token; }
 *
 *     public void process(Exchange exchange) throws Exception {
 *         List<ObjectNode> events = exchange.getIn().getBody(List.class);
 *         List<Mapped.Item<ObjectNode>> mapped = Mapped.each(events, Batch.of(exchange), AcmeRequest::map);
 *         List<VendorRequest> requests = new ArrayList<>();
 *         for (List<Mapped.Item<ObjectNode>> chunk : Chunks.of(mapped, 500, 0, 0, m -> 0).chunks()) {
 *             ArrayNode data = JsonNodeFactory.instance.arrayNode();
 *             chunk.forEach(m -> data.add(m.value()));
 *             requests.add(VendorRequest.json("{\"data\":" + data + "}", chunk.stream().map(Mapped.Item::event).toList())
 *                     .withHeader("Authorization", "Bearer " + token));
 *         }
 *         exchange.getIn().setBody(requests);
 *     }
 *
 *     static Mapped<ObjectNode> map(ObjectNode event) {
 *         if (!"track".equals(event.path("type").asText())) {
 *             return Mapped.notForVendor();
 *         }
 *         if (!event.hasNonNull("userId")) {
 *             return Mapped.refused("missing_field", "no userId; Acme requires user_id");
 *         }
 *         return Mapped.to(JsonNodeFactory.instance.objectNode()
 *                 .put("user_id", event.get("userId").asText()).put("name", event.path("event").asText()));
 *     }
 * }
 * }</pre>
 * <p>
 * Named {@code destinations.api}: the API a destination is written against, beside the destinations that use it;
 * not {@code spi} (jargon to many readers) and not {@code vendor} (tools and people take a {@code vendor} folder for
 * vendored third-party code and skip it).
 */
package io.drover.destinations.api;
