/**
 * The destinations Drover ships in Java (Segment's word for where events go): one subpackage per vendor (its
 * request bean, its mapping, its reading of the vendor's answers), and the pieces they share ({@link
 * io.drover.destinations.Hashing} for match keys, {@link io.drover.destinations.SegmentFields}, {@link
 * io.drover.destinations.SegmentEvents}, {@link io.drover.destinations.Currencies}, {@link
 * io.drover.destinations.DataArrayRequests}, ...). What they compile against of Drover's engine is one package,
 * {@link io.drover.destinations.api}: its package-info is the guide to writing one. A vendor that needs no Java is a
 * playbook module instead (docs/playbooks.md, docs/first-vendor.md).
 * <p>
 * Named {@code destinations}, not {@code vendor}: tools (and people) take a folder named {@code vendor} for vendored
 * third-party code and skip it.
 */
package io.drover.destinations;
