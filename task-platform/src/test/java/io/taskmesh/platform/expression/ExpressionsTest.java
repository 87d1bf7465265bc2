package io.taskmesh.platform.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

    private static JsonNode json(String text) {
        return EventJson.readTree(text);
    }

    @Test
    void arithmeticOnInputsGivesAJsonInteger() {
        JsonNode result = Expressions.evaluate("inputs.x * 2", Map.of("inputs", json("{\"x\":21}")));

        assertThat(result.isIntegralNumber()).isTrue();
        assertThat(result.longValue()).isEqualTo(42);
    }

    @Test
    void mapsListsAndEarlierStepsComeBackAsJson() {
        JsonNode result = Expressions.evaluate(
                "{'names': inputs.people.map(p, p.name), 'total': steps.count.output + 1, 'big': inputs.people.size() > 1}",
                Map.of("inputs", json("{\"people\":[{\"name\":\"ada\"},{\"name\":\"alan\"}]}"),
                        "steps", json("{\"count\":{\"output\":2}}")));

        assertThat(result).isEqualTo(json("{\"names\":[\"ada\",\"alan\"],\"total\":3,\"big\":true}"));
    }

    @Test
    void aSyntaxErrorIsReportedAtCompileTime() {
        assertThat(Expressions.compileError("inputs.x * ")).isNotNull();
        assertThat(Expressions.compileError("unknownVariable + 1")).contains("unknownVariable");
        assertThat(Expressions.compileError("inputs.x * 2")).isNull();
    }

    @Test
    void aMissingFieldFailsAtEvaluation() {
        assertThatThrownBy(() -> Expressions.evaluate("inputs.x * 2", Map.of("inputs", json("{}"))))
                .isInstanceOf(Expressions.InvalidExpressionException.class);
    }
}
