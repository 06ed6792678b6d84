package io.drover.destinations.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a bean's mapping makes of one event, the one shape for all three answers: {@link To the vendor's value};
 * {@link LeftOut left out} (not for this vendor, quietly, or on purpose with a reason that is counted); or
 * {@link Refused refused for good} (dead-lettered with a reason that names the problem, counted by code). A mapping
 * returns it; {@link #settle} reports it to the {@link Batch} and hands back the value to send.
 *
 * @param <T> what the vendor gets for one event (an {@code ObjectNode}, its JSON, a vendor's objects)
 */
public sealed interface Mapped<T> permits Mapped.To, Mapped.LeftOut, Mapped.Refused {

    /** The event as the vendor takes it. */
    record To<T>(T value) implements Mapped<T> {
        public To {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Not sent, and not an error. {@code reason} {@code null}: not an event this vendor takes at all (an identify for
     * an ads API), as if the selection had not picked it; otherwise counted as
     * {@code drover_integration_filtered_total{reason}} (a purchase without a click id).
     */
    record LeftOut<T>(String reason) implements Mapped<T> {
    }

    /**
     * Refused for good: dead-lettered with {@code reason} (it names the field or rule, as an operator needs to fix the
     * event) and counted as {@code drover_integration_refused_total{reason=code}} ({@code missing_field},
     * {@code invalid_name}, {@code too_large}, ...).
     */
    record Refused<T>(String code, String reason) implements Mapped<T> {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> Mapped<T> to(T value) {
        return new To<>(value);
    }

    /** Not an event this vendor takes: not sent, not counted. */
    static <T> Mapped<T> notForVendor() {
        return new LeftOut<>(null);
    }

    /** Left out on purpose, counted by {@code reason}. */
    static <T> Mapped<T> leftOut(String reason) {
        return new LeftOut<>(Objects.requireNonNull(reason, "reason"));
    }

    static <T> Mapped<T> refused(String code, String reason) {
        return new Refused<>(code, reason);
    }

    /** The same answer for another value: the value turned by {@code f}, a left out or refused event as it is. */
    @SuppressWarnings("unchecked")
    default <U> Mapped<U> map(Function<? super T, ? extends U> f) {
        if (this instanceof To<T> to) {
            return new To<>(f.apply(to.value()));
        }
        return (Mapped<U>) this;
    }

    /** This left out or refused answer as one of another mapping, which passes on a step's answer. */
    @SuppressWarnings("unchecked")
    default <U> Mapped<U> passOn() {
        if (this instanceof To) {
            throw new IllegalStateException("a value is mapped, not passed on");
        }
        return (Mapped<U>) this;
    }

    /** The refusal's reason after {@code prefix} (a vendor's name, for dead letters read beside others). */
    @SuppressWarnings("unchecked")
    default Mapped<T> refusalPrefixed(String prefix) {
        return this instanceof Refused<T> r ? new Refused<>(r.code(), prefix + r.reason()) : this;
    }

    /**
     * Reports the answer for {@code event} to {@code batch} (a left out one counted, a refused one refused) and returns
     * the value to send, {@code null} when there is none.
     */
    default T settle(Batch batch, ObjectNode event) {
        if (this instanceof To<T> to) {
            return to.value();
        }
        if (this instanceof LeftOut<T> out) {
            if (out.reason() != null) {
                batch.leftOut(out.reason());
            }
            return null;
        }
        Refused<T> refused = (Refused<T>) this;
        batch.refuse(event, refused.code(), refused.reason());
        return null;
    }

    /** A selected event and what the vendor gets for it. */
    record Item<T>(ObjectNode event, T value) {
    }

    /**
     * The loop every bean runs: maps each event in order, reports the left out and refused ones to {@code batch}, and
     * returns the others with their values.
     */
    static <T> List<Item<T>> each(List<ObjectNode> events, Batch batch, Function<ObjectNode, Mapped<T>> mapping) {
        List<Item<T>> items = new ArrayList<>(events.size());
        for (ObjectNode event : events) {
            T value = mapping.apply(event).settle(batch, event);
            if (value != null) {
                items.add(new Item<>(event, value));
            }
        }
        return items;
    }
}
