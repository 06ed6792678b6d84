package io.drover.destinations.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one shape of a mapping's answer, and the loop that reports it to the batch. */
class MappedTest {

    private static ObjectNode event(String id) {
        return JsonNodeFactory.instance.objectNode().put("messageId", id);
    }

    /** A batch that records what a bean reports, as the engine counts it. */
    private static final class Recording extends Batch {
        final List<String> leftOut = new ArrayList<>();
        final List<String> codes = new ArrayList<>();

        @Override
        public void leftOut(String reason) {
            leftOut.add(reason);
        }

        @Override
        public void refuse(ObjectNode event, String code, String reason) {
            codes.add(code);
            super.refuse(event, code, reason);
        }
    }

    @Test
    void eachKeepsTheMappedInOrderCountsTheLeftOutAndRefusesTheRefusedWithTheirReasons() {
        ObjectNode a = event("a");
        ObjectNode b = event("b");
        ObjectNode c = event("c");
        ObjectNode d = event("d");
        Map<ObjectNode, Mapped<String>> answers = Map.of(a, Mapped.to("A"), b, Mapped.notForVendor(),
                c, Mapped.leftOut("no_click_id"), d, Mapped.<String>refused("missing_field", "no userId")
                        .refusalPrefixed("Acme: "));
        Recording batch = new Recording();
        List<Mapped.Item<String>> sent = Mapped.each(List.of(a, b, c, d), batch, answers::get);
        assertThat(sent).containsExactly(new Mapped.Item<>(a, "A"));
        assertThat(batch.leftOut).as("an event not for the vendor is not counted").containsExactly("no_click_id");
        assertThat(batch.codes).containsExactly("missing_field");
        assertThat(batch.rejectionReasons()).containsOnlyKeys(d).containsEntry(d, "Acme: no userId");
    }

    @Test
    void theFirstRefusalOfAnEventWinsAndAValueCannotBePassedOnAsARefusal() {
        Batch batch = new Batch();
        ObjectNode e = event("e");
        batch.refuse(e, "missing_field", "first");
        batch.refuse(e, "too_large", "second");
        assertThat(batch.rejectionReason(e)).isEqualTo("first");
        assertThat(Mapped.<String>refused("x", "y").map(String::length)).isEqualTo(Mapped.refused("x", "y"));
        assertThat(Mapped.to("abc").map(String::length)).isEqualTo(Mapped.to(3));
        assertThatThrownBy(() -> Mapped.to("v").passOn()).isInstanceOf(IllegalStateException.class);
    }
}
