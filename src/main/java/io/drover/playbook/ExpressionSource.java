package io.drover.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.PathNotFoundException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.jsonpath.JsonPathLanguage;
import org.apache.camel.spi.Language;
import org.apache.camel.support.DefaultExchange;

/**
 * The escape hatch: a Camel {@code simple} or {@code jsonpath} expression, compiled once with the playbook and
 * evaluated per event against an exchange whose body is the event. A jsonpath that finds nothing counts as missing.
 */
final class ExpressionSource implements Mapping.Source {

    private final String language;
    private final Expression expression;
    private final CamelContext context;

    ExpressionSource(String language, YamlNode text, CamelContext context) {
        if (context == null) {
            throw text.where().error("expressions need a CamelContext to compile with");
        }
        this.language = language;
        this.context = context;
        String source = text.name();
        try {
            Language lang = context.resolveLanguage(language);
            if (lang instanceof JsonPathLanguage jsonPath) {
                jsonPath.validateExpression(source); // jsonpath compiles lazily: find syntax errors now
            }
            this.expression = lang.createExpression(source);
            this.expression.init(context);
        } catch (RuntimeException e) {
            throw text.where().error("not a valid " + language + " expression: " + e.getMessage(), e);
        }
    }

    @Override
    public Object read(ObjectNode event) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(event);
        Object result;
        try {
            result = expression.evaluate(exchange, Object.class);
        } catch (RuntimeException e) {
            if (causedBy(e, PathNotFoundException.class)) {
                return null;
            }
            throw failure(e);
        }
        if (exchange.getException() != null) {
            throw failure(exchange.getException());
        }
        if (result == null) {
            return null;
        }
        JsonNode value = result instanceof JsonNode node ? node : YamlNode.JSON.valueToTree(result);
        return value.isNull() ? null : value;
    }

    /** Camel's messages can quote the whole body (personal data): the reason names the error type only. */
    private Step.Failure failure(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new Step.Failure("the " + language + " expression failed (" + root.getClass().getSimpleName() + ")", e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
