package io.drover.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import io.drover.testing.JsonTrees;

/** Compiles test playbooks (named acme) and runs them. */
final class Playbooks {

    static final CamelContext CAMEL = new DefaultCamelContext();

    private Playbooks() {
    }

    static Playbook compile(String yaml) {
        return Playbook.compile("acme", new StringReader(yaml), CAMEL);
    }

    /** Applies the playbook, and checks it left the event as it was (events are shared by every integration). */
    static Result apply(String yaml, String event) {
        ObjectNode input = JsonTrees.object(event);
        ObjectNode before = input.deepCopy();
        Result result = compile(yaml).apply(input);
        assertThat(input).as("the playbook must not change the event").isEqualTo(before);
        return result;
    }

    /** The vendor event, asserting the event was transformed. */
    static ObjectNode transform(String yaml, String event) {
        Result result = apply(yaml, event);
        assertThat(result.outcome()).as(result.toString()).isEqualTo(Result.Outcome.TRANSFORMED);
        return result.output();
    }

    static String compileError(String yaml) {
        PlaybookException e = catchThrowableOfType(PlaybookException.class, () -> compile(yaml));
        assertThat(e).as("compiling should fail").isNotNull();
        return e.getMessage();
    }
}
