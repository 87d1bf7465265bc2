package io.taskmesh.executor.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;
import org.junit.jupiter.api.Test;

class StepRunnerTest {

    private final StepRunner runner = new StepRunner();

    private static JsonNode json(String text) {
        return EventJson.readTree(text);
    }

    @Test
    void laterStepsSeeEarlierOutputsAndTheLastOutputIsTheResult() {
        JsonNode definition = json("""
                {"context":{"factor":3},"resultSchema":{"type":"integer"},
                 "steps":[{"id":"a","action":"transform","expression":"inputs.x * context.factor"},
                          {"id":"skipped","action":"transform","if":"inputs.x > 100","expression":"0"},
                          {"id":"b","action":"transform","expression":"steps.a.output + 1"}]}""");

        assertThat(runner.run(definition, json("{\"x\":2}")).asInt()).isEqualTo(7);
    }

    @Test
    void aResultThatBreaksTheResultSchemaFailsTheRun() {
        JsonNode definition = json("""
                {"resultSchema":{"type":"string"},"steps":[{"id":"a","action":"transform","expression":"inputs.x * 2"}]}""");

        assertThatThrownBy(() -> runner.run(definition, json("{\"x\":2}")))
                .isInstanceOf(StepFailure.class)
                .satisfies(e -> assertThat(((StepFailure) e).code()).isEqualTo("result-invalid"));
    }

    @Test
    void theResultValidatorMustHold() {
        JsonNode definition = json("""
                {"resultValidator":"result > 10","steps":[{"id":"a","action":"transform","expression":"inputs.x"}]}""");

        assertThat(runner.run(definition, json("{\"x\":11}")).asInt()).isEqualTo(11);
        assertThatThrownBy(() -> runner.run(definition, json("{\"x\":9}"))).isInstanceOf(StepFailure.class)
                .hasMessageContaining("result > 10");
    }

    @Test
    void anExpressionThatCannotBeEvaluatedFailsWithTheStepNamed() {
        JsonNode definition = json("{\"steps\":[{\"id\":\"calc\",\"action\":\"transform\",\"expression\":\"inputs.x * 2\"}]}");

        assertThatThrownBy(() -> runner.run(definition, json("{}"))).isInstanceOf(StepFailure.class)
                .hasMessageContaining("step 'calc'");
    }
}
