package io.taskmesh.executor.step;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;
import java.util.Map;

/**
 * Whatever a step's template says, rendering it gives a value or a step failure that names the step
 * ({@code expression-failed}): never another exception, which would end the run as an executor error. Run
 * coverage-guided with {@code JAZZER_FUZZ=1}; otherwise the inputs under {@code TemplatesFuzzTestInputs}.
 */
class TemplatesFuzzTest {

    private static final Map<String, JsonNode> VARIABLES = Map.of(
            "inputs", EventJson.readTree("{\"name\":\"Ada\",\"n\":3,\"list\":[1,2,3],\"nested\":{\"a\":{\"b\":null}}}"),
            "steps", EventJson.readTree("{\"fetch\":{\"output\":{\"status\":200,\"body\":[\"x\"]}}}"),
            "memory", EventJson.readTree("{\"run\":{},\"session\":{\"count\":1},\"permanent\":{}}"),
            "context", EventJson.readTree("{}"));

    @FuzzTest(maxDuration = "60s")
    void aTemplateRendersOrFailsItsStep(FuzzedDataProvider data) {
        String template = data.consumeRemainingAsString();
        try {
            assertThat(Templates.text(template, VARIABLES, "s")).isNotNull();
            assertThat(Templates.render(EventJson.mapper().getNodeFactory().textNode(template), VARIABLES, "s")).isNotNull();
        } catch (StepFailure failure) {
            assertThat(failure.code()).isEqualTo("expression-failed");
            assertThat(failure.getMessage()).startsWith("step 's': ");
        }
    }
}
