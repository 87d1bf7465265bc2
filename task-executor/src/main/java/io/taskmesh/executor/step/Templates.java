package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.platform.expression.Expressions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step inputs as templates: {@code {{ expression }}} is a CEL expression over the run's data. A string that
 * is one whole template keeps the expression's JSON type; inside text, the value is written as text.
 */
public final class Templates {

    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*(.+?)\\s*}}");

    private Templates() {
    }

    public static JsonNode render(JsonNode value, Map<String, JsonNode> variables, String stepId) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return renderText(value.asText(), variables, stepId);
        }
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(e -> out.set(e.getKey(), render(e.getValue(), variables, stepId)));
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(render(item, variables, stepId)));
            return out;
        }
        return value;
    }

    public static String text(String template, Map<String, JsonNode> variables, String stepId) {
        JsonNode rendered = renderText(template, variables, stepId);
        return rendered.isTextual() ? rendered.asText() : rendered.toString();
    }

    private static JsonNode renderText(String text, Map<String, JsonNode> variables, String stepId) {
        Matcher whole = TEMPLATE.matcher(text);
        if (whole.matches()) {
            return evaluate(whole.group(1), variables, stepId);
        }
        Matcher m = TEMPLATE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = evaluate(m.group(1), variables, stepId);
            m.appendReplacement(out, Matcher.quoteReplacement(v.isTextual() ? v.asText() : v.toString()));
        }
        m.appendTail(out);
        return JsonNodeFactory.instance.textNode(out.toString());
    }

    private static JsonNode evaluate(String expression, Map<String, JsonNode> variables, String stepId) {
        try {
            return Expressions.evaluate(expression, variables);
        } catch (Expressions.InvalidExpressionException e) {
            throw new StepFailure("expression-failed", "step '" + stepId + "': " + e.getMessage());
        }
    }
}
