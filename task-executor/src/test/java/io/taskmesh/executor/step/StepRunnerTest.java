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
        RunScope scope = RunScope.of(new RunRequest("acme", "0b7e2a6e-0000-4000-8000-000000000001", "keyed", 1, 1, 1,
                definition, json("{}"), null, null));

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

        RunScope answered = RunScope.of(new RunRequest("acme", "r", "t", 1, 1, 1, definition, json("{\"name\":\"Ada\"}"),
                null, null, List.of(new RunRequest.Answer("Which city, Ada?", "Lyon", "ada", Instant.now()))));
        assertThat(runner.run(answered).asText()).isEqualTo("Hello Lyon");
    }

    @Test
    void anApprovalStopsShowingTheOutputSoFarAndGoesOnOnceApprovedWithoutRedoingEarlierSteps() {
        JsonNode definition = json("""
                {"steps":[{"id":"draft","action":"transform","expression":"'Dear ' + inputs.name"},
                          {"id":"check","action":"approval","message":"Send '{{ steps.draft.output }}'?"},
                          {"id":"send","action":"transform","expression":"steps.draft.output + ' (approved by ' + steps.check.output.by + ')'"}]}""");
        RunRequest first = new RunRequest("acme", "r", "t", 1, 2, 1, definition, json("{\"name\":\"Ada\"}"), null, null);

        RunScope stopped = RunScope.of(first);
        assertThatThrownBy(() -> runner.run(stopped))
                .isInstanceOf(AwaitingApproval.class)
                .satisfies(e -> {
                    AwaitingApproval waiting = (AwaitingApproval) e;
                    assertThat(waiting.question()).isEqualTo("approval:check#2");
                    assertThat(waiting.message()).isEqualTo("Send 'Dear Ada'?");
                    assertThat(waiting.shown().asText()).isEqualTo("Dear Ada");
                });
        assertThat(stopped.steps().fieldNames()).toIterable().containsExactly("draft");

        // the draft that comes back is what the approver saw; the step is not carried out again
        var progress = stopped.steps().deepCopy();
        progress.putObject("draft").put("output", "Dear Ada, as approved");
        RunRequest approved = new RunRequest("acme", "r", "t", 1, 2, 5, definition, json("{\"name\":\"Ada\"}"), null,
                null, List.of(new RunRequest.Answer("approval:check#2", "fine", "bob", Instant.now(), true)), progress,
                null, null);
        assertThat(runner.run(RunScope.of(approved)).asText()).isEqualTo("Dear Ada, as approved (approved by bob)");

        RunRequest rejected = new RunRequest("acme", "r", "t", 1, 2, 5, definition, json("{\"name\":\"Ada\"}"), null,
                null, List.of(new RunRequest.Answer("approval:check#2", "too formal", "bob", Instant.now(), false)),
                stopped.steps(), null, null);
        assertThatThrownBy(() -> runner.run(RunScope.of(rejected)))
                .isInstanceOf(StepFailure.class)
                .satisfies(e -> assertThat(((StepFailure) e).code()).isEqualTo("approval-rejected"))
                .hasMessageContaining("rejected by bob: too formal");
    }

    @Test
    void stepsReadMemoryAndRememberTheirOutputsInTheScopeTheySay() {
        JsonNode definition = json("""
                {"memoryScope":"permanent",
                 "steps":[{"id":"count","action":"transform","expression":"(has(memory.permanent.count) ? memory.permanent.count : 0) + 1",
                           "remember":{"key":"count"}},
                          {"id":"seen","action":"transform","expression":"memory.session.last + '/' + string(memory.permanent.count)",
                           "remember":{"key":"last","scope":"session"}}]}""");
        RunRequest request = new RunRequest("acme", "r", "t", 1, 1, 1, definition, json("{}"), null, null, null, null,
                "s1", json("{\"session\":{\"last\":\"before\"},\"permanent\":{\"count\":41}}"));
        RunScope scope = RunScope.of(request);

        assertThat(runner.run(scope).asText()).isEqualTo("before/42");
        assertThat(scope.memory().writes()).isEqualTo(json("""
                {"permanent":{"count":42},"session":{"last":"before/42"}}"""));

        JsonNode badScope = json("""
                {"steps":[{"id":"x","action":"transform","expression":"1","remember":{"key":"k","scope":"forever"}}]}""");
        assertThatThrownBy(() -> runner.run(badScope, json("{}"))).isInstanceOf(StepFailure.class)
                .hasMessageContaining("scope 'forever'");
    }
}
