package io.drover.playbook;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a playbook made of one event: the vendor event, or why there is none. {@code DROPPED} is a decision (a filter
 * said no: count it, do not retry); {@code FAILED} is bad data (e.g. toInteger of a word, with no default): the
 * event cannot be transformed, retrying will not help, it belongs in the dead-letter topic.
 */
public final class Result {

    public enum Outcome { TRANSFORMED, DROPPED, FAILED }

    private final Outcome outcome;
    private final ObjectNode output;
    private final String reason;
    private final Throwable cause;

    private Result(Outcome outcome, ObjectNode output, String reason, Throwable cause) {
        this.outcome = outcome;
        this.output = output;
        this.reason = reason;
        this.cause = cause;
    }

    static Result transformed(ObjectNode output) {
        return new Result(Outcome.TRANSFORMED, output, null, null);
    }

    static Result dropped(String reason) {
        return new Result(Outcome.DROPPED, null, reason, null);
    }

    static Result failed(String reason, Throwable cause) {
        return new Result(Outcome.FAILED, null, reason, cause);
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isTransformed() {
        return outcome == Outcome.TRANSFORMED;
    }

    /** The vendor event. */
    public ObjectNode output() {
        if (output == null) {
            throw new IllegalStateException("no output: " + outcome + ": " + reason);
        }
        return output;
    }

    /**
     * Why the event was dropped or failed, naming the filter or the mapping; {@code null} when transformed. Never
     * quotes event values, so it can be logged.
     */
    public String reason() {
        return reason;
    }

    /** For a failed expression, Camel's exception (its message may quote the event: not for logs). */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return outcome + (output != null ? " " + output : ": " + reason);
    }
}
