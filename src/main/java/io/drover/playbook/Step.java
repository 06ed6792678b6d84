package io.drover.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One compiled instruction of a section (a mapping, an enrichment, a spreading, an expression). */
interface Step {

    /**
     * Reads from the event, writes into the vendor event being built.
     *
     * @throws Failure when this event cannot be transformed; the message names the step and never quotes event values
     */
    void apply(ObjectNode event, ObjectNode out);

    /** The event fails: the playbook's result is "failed" with this reason. Cheap: no stack trace. */
    final class Failure extends RuntimeException {
        Failure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
