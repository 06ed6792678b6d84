package io.drover.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One compiled instruction of a section (a mapping, an enrichment, a spreading, an expression). */
interface Step {

    /**
     * Reads from the event, writes into the vendor event being built.
     *
     * @throws Failure when this event cannot be transformed; the message never quotes event values (the section
     *                 puts the step's label in front)
     * @throws FieldPath.WriteConflict when the output already holds a value of another kind on the way
     */
    void apply(ObjectNode event, ObjectNode out);

    /** The step's place and what it moves, for failure reasons: {@code global.mappings[0] (userId -> user.id)}. */
    String label();

    /** The event fails: the playbook's result is "failed" with this reason. Cheap: no stack trace. */
    final class Failure extends RuntimeException {
        Failure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
