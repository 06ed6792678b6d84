/**
 * The destinations Drover ships in Java (Segment's word for where events go): one subpackage per vendor (its
 * request bean, its mapping, its reading of the vendor's answers), and the pieces they share ({@link
 * io.drover.destinations.Chunks} to cut a batch to a vendor's limits, {@link io.drover.destinations.Hashing} for
 * match keys, {@link io.drover.destinations.SegmentFields}, {@link io.drover.destinations.EventTimes}, ...). A vendor
 * that needs no Java is a playbook module instead (docs/playbooks.md, docs/first-vendor.md).
 * <p>
 * A request bean is a Camel {@code Processor} named {@code request} in its module file; it reads the batch's selected
 * events, refuses single ones through {@link io.drover.integration.Batch} and returns the body (or
 * {@link io.drover.integration.VendorRequest}s) that the template sends; {@link io.drover.integration.ResponseReader}
 * reads what the vendor answers and {@link io.drover.integration.DeliveryException} says whether a failure is worth a
 * retry. docs/integrations.md, "Writing a Java request bean", is the guide.
 * <p>
 * Named {@code destinations}, not {@code vendor}: tools (and people) take a folder named {@code vendor} for vendored
 * third-party code and skip it.
 */
package io.drover.destinations;
