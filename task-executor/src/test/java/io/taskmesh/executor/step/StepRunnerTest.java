package io.taskmesh.executor.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunRequest;
import io.taskmesh.platform.net.AddressGuard;
import io.taskmesh.executor.http.HttpStep;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepRunnerTest {

    private final StepRunner runner = new StepRunner(new HttpStep(new AddressGuard(true), Duration.ofSeconds(5)));

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
    void stepsKnowTheirRunForIdempotencyKeys() {
        JsonNode definition = json("""
                {"name":"keyed","steps":[{"id":"k","action":"transform","expression":"run.task + '/' + run.id"}]}""");
        RunScope scope = new RunScope("acme", "0b7e2a6e-0000-4000-8000-000000000001", definition, json("{}"),
                java.util.List.of(), java.util.List.of(), null, new java.util.HashSet<>(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());

        assertThat(runner.run(scope).asText()).isEqualTo("keyed/0b7e2a6e-0000-4000-8000-000000000001");
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

    @Test
    void anHttpStepSendsItsTemplatedRequestAndTheJsonAnswerFeedsTheNextStep() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/price", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("X-Api-Key") + " "
                    + new String(exchange.getRequestBody().readAllBytes()));
            byte[] answer = "{\"price\": 12.5}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(exchange.getRequestURI().getQuery().contains("missing") ? 404 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            JsonNode definition = json("""
                    {"limits":{"maxPages":1},"steps":[
                      {"id":"fetch","action":"http","method":"POST","url":"%s/price?item={{inputs.item}}",
                       "headers":{"X-Api-Key":"k-{{context.key}}"},"body":{"qty":"{{inputs.qty}}"}},
                      {"id":"total","action":"transform","expression":"steps.fetch.output.body.price * double(inputs.qty)"}],
                     "context":{"key":"42"}}""".formatted(base));

            assertThat(runner.run(definition, json("{\"item\":\"tea\",\"qty\":2}")).asDouble()).isEqualTo(25.0);
            assertThat(seen).containsExactly("POST /price?item=tea k-42 {\"qty\":2}");

            assertThatThrownBy(() -> runner.run(definition, json("{\"item\":\"missing\",\"qty\":1}")))
                    .isInstanceOf(StepFailure.class).hasMessageContaining("answered 404");
            JsonNode twoPages = json("""
                    {"limits":{"maxPages":1},"steps":[{"id":"a","action":"http","url":"%s/price?item=a"},
                     {"id":"b","action":"http","url":"%s/price?item=b"}]}""".formatted(base, base));
            assertThatThrownBy(() -> runner.run(twoPages, json("{}"))).hasMessageContaining("maxPages");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theAddressGuardStopsAnHttpStepToAnInternalAddress() {
        StepRunner guarded = new StepRunner(new HttpStep(new AddressGuard(false), Duration.ofSeconds(5)));
        JsonNode definition = json("{\"steps\":[{\"id\":\"meta\",\"action\":\"http\",\"url\":\"http://169.254.169.254/latest/\"}]}");
        assertThatThrownBy(() -> guarded.run(definition, json("{}"))).isInstanceOf(StepFailure.class)
                .satisfies(e -> assertThat(((StepFailure) e).code()).isEqualTo("url-refused"));
    }

    @Test
    void forEachRunsTheActionPerItemWithinItsBound() {
        JsonNode definition = json("""
                {"resultSchema":"list[string]","steps":[
                  {"id":"greet","action":"transform","forEach":"inputs.names","expression":"string(index) + ':' + item"}]}""");

        assertThat(runner.run(definition, json("{\"names\":[\"ada\",\"alan\"]}")))
                .isEqualTo(json("[\"0:ada\",\"1:alan\"]"));

        JsonNode bounded = json("""
                {"steps":[{"id":"x","action":"transform","forEach":"inputs.names","maxIterations":1,"expression":"item"}]}""");
        assertThatThrownBy(() -> runner.run(bounded, json("{\"names\":[\"a\",\"b\"]}")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("maxIterations");
        JsonNode notAList = json("{\"steps\":[{\"id\":\"x\",\"action\":\"transform\",\"forEach\":\"inputs.n\",\"expression\":\"item\"}]}");
        assertThatThrownBy(() -> runner.run(notAList, json("{\"n\":3}"))).hasMessageContaining("must give a list");
    }

    @Test
    void anAskStepWaitsForItsAnswerThenGivesIt() {
        JsonNode definition = json("""
                {"steps":[{"id":"city","action":"ask","question":"Which city, {{ inputs.name }}?"},
                          {"id":"greet","action":"transform","expression":"'Hello ' + steps.city.output"}]}""");

        assertThatThrownBy(() -> runner.run(definition, json("{\"name\":\"Ada\"}")))
                .isInstanceOf(AwaitingInput.class)
                .satisfies(e -> assertThat(((AwaitingInput) e).question()).isEqualTo("Which city, Ada?"));

        RunScope answered = new RunScope("acme", "r", definition, json("{\"name\":\"Ada\"}"), List.of(),
                List.of(new RunRequest.Answer("Which city, Ada?", "Lyon", "ada", Instant.now())),
                null, new HashSet<>(), JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.arrayNode());
        assertThat(runner.run(answered).asText()).isEqualTo("Hello Lyon");
    }
}
