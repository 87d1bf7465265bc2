package io.taskmesh.executor.agent;

import static io.taskmesh.executor.ExecutorRuns.events;
import static io.taskmesh.executor.ExecutorRuns.request;
import static io.taskmesh.executor.agent.ScriptedModel.calls;
import static io.taskmesh.executor.agent.ScriptedModel.says;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LLM agents through the executor's public interface: a run request on Kafka, run events back. The model is
 * {@link ScriptedModel}, an OpenAI-compatible server playing a script (no LLM can run here).
 */
@QuarkusTest
class AgentRunTest {

    private static ScriptedModel model;

    @BeforeAll
    static void start() throws IOException {
        model = new ScriptedModel();
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    private static String agent(String id) {
        return "{\"name\":\"critic\",\"role\":\"a film critic\",\"baseUrl\":\"" + model.baseUrl(id)
                + "\",\"model\":\"test-model\",\"apiKeySecret\":\"LLM_KEY\"}";
    }

    @Test
    void anAgentCallsAToolIsToldItsResultIsInvalidCorrectsItAndSucceeds() {
        String runId = UUID.randomUUID().toString();
        model.script(runId,
                call -> calls("weather", "{\"city\":\"Paris\"}"),
                call -> calls("succeed", "{\"result\":\"sunny\"}"),
                call -> calls("succeed", "{\"result\":\"warm\"}"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"forecast","objective":"Say how the weather feels in the city",
                     "instructions":"Use the weather tool.","resultSchema":{"enum":["cold","mild","warm"]},
                     "agent":%s,
                     "tools":[{"name":"weather","description":"Current weather of a city","url":"%s",
                               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}"""
                    .formatted(agent(runId), model.toolUrl(runId)), "{\"city\":\"Paris\"}");

            List<RunEvent> events = events(probe, runId, RunStatus.SUCCEEDED);

            assertThat(events.getLast().result().asText()).isEqualTo("warm");
            assertThat(model.toolCalls(runId)).hasSize(1);
            assertThat(model.toolCalls(runId).getFirst().path("city").asText()).isEqualTo("Paris");
            List<ScriptedModel.Call> calls = model.calls(runId);
            assertThat(calls).hasSize(3);
            assertThat(calls.getFirst().authorization()).isEqualTo("Bearer sk-test-4f1c2e9a");
            assertThat(calls.getFirst().body().path("model").asText()).isEqualTo("test-model");
            assertThat(calls.getFirst().conversation()).contains("Say how the weather feels", "Use the weather tool.",
                    "a film critic", "\"city\":\"Paris\"");
            assertThat(calls.getFirst().body().path("tools").findValuesAsText("name"))
                    .containsExactly("succeed", "fail", "weather");
            assertThat(calls.get(1).conversation()).contains("\"temperature\":21");
            assertThat(calls.get(2).conversation()).contains("The result was not accepted", "result");
            // the transcript is in the run's report, without the API key
            String details = events.getLast().details().toString();
            assertThat(details).contains("The result was not accepted", "\"weather\"").doesNotContain("sk-test-4f1c2e9a");
        }
    }

    @Test
    void anAgentThatGivesUpFailsTheRunWithItsReason() {
        String runId = UUID.randomUUID().toString();
        model.script(runId, call -> says("I think I need a tool."), call -> calls("fail", "{\"reason\":\"no data\"}"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"Find the answer","agent":%s}""".formatted(agent(runId)), "{}");

            RunEvent failed = events(probe, runId, RunStatus.FAILED).getLast();

            assertThat(failed.error().code()).isEqualTo("agent-failed");
            assertThat(failed.error().message()).contains("no data");
            assertThat(model.calls(runId).get(1).conversation()).contains("plain text does not end the task");
        }
    }

    @Test
    void aRevisionPutsTheFeedbackInThePromptAndAListResultIsChecked() {
        String runId = UUID.randomUUID().toString();
        model.script(runId, call -> calls("succeed", "{\"result\":[\"Dune\",\"Alien\"]}"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"List two films","completionTools":["SUCCEED"],
                     "resultSchema":{"type":"array","items":{"type":"string"}},"agent":%s}""".formatted(agent(runId)),
                    "{}", null, List.of(new RunRequest.Feedback("Only science fiction, please", "vera", Instant.now())));

            RunEvent done = events(probe, runId, RunStatus.SUCCEEDED).getLast();

            assertThat(done.result().toString()).isEqualTo("[\"Dune\",\"Alien\"]");
            ScriptedModel.Call call = model.calls(runId).getFirst();
            assertThat(call.conversation()).contains("Only science fiction, please", "sent back for revision");
            assertThat(call.body().path("tools").findValuesAsText("name")).containsExactly("succeed");
        }
    }

    @Test
    void anAgentThatNeverFinishesStopsAtMaxLlmTurns() {
        String runId = UUID.randomUUID().toString();
        model.script(runId, call -> says("thinking"), call -> says("still thinking"), call -> says("unused"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"Think","limits":{"maxLlmTurns":2},"agent":%s}""".formatted(agent(runId)), "{}");

            RunEvent failed = events(probe, runId, RunStatus.FAILED).getLast();

            assertThat(failed.error().code()).isEqualTo("max-llm-turns");
            assertThat(model.calls(runId)).hasSize(2);
        }
    }

    @Test
    void aSlowModelPastTheDeadlineTimesTheRunOut() {
        String runId = UUID.randomUUID().toString();
        model.script(runId, call -> {
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return calls("succeed", "{\"result\":1}");
        });
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"Be slow","agent":%s}""".formatted(agent(runId)), "{}",
                    Instant.now().plusSeconds(2), null);

            RunEvent last = events(probe, runId, RunStatus.TIMED_OUT).getLast();

            assertThat(last.error().message()).contains("did not answer");
        }
    }

    @Test
    void anAgentWithUserAccessAsksWaitsForTheAnswerAndGoesOnWithIt() {
        String runId = UUID.randomUUID().toString();
        String definition = """
                {"name":"t","objective":"Greet the user in their city","validation":{"userAccess":true},"agent":%s}"""
                .formatted(agent(runId));
        model.script(runId,
                call -> calls("ask_user", "{\"question\":\"Which city are you in?\"}"),
                call -> calls("ask_user", "{\"question\":\"Which city are you in?\"}"),
                call -> calls("succeed", "{\"result\":\"Bonjour, Lyon\"}"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, definition, "{}");
            RunEvent waiting = events(probe, runId, RunStatus.AWAITING_INPUT).getLast();
            assertThat(waiting.details().path("question").asText()).isEqualTo("Which city are you in?");
            assertThat(model.calls(runId).getFirst().body().path("tools").findValuesAsText("name")).contains("ask_user");

            // the scheduler requests the same attempt again with the answer
            RunRequest resumed = new RunRequest("acme", runId, "task", 1, 1, waiting.seq(), EventJson.readTree(definition),
                    EventJson.readTree("{}"), null, null,
                    List.of(new RunRequest.Answer("Which city are you in?", "Lyon", "alice", Instant.now())));
            KafkaProbe.publishCloudEvent(Topics.RUN_REQUESTS, runId, UUID.randomUUID().toString(),
                    RunRequest.TYPE, runId, EventJson.write(resumed));

            List<RunEvent> events = events(probe, runId, RunStatus.SUCCEEDED);
            assertThat(events).extracting(RunEvent::status).containsExactly(RunStatus.RUNNING, RunStatus.AWAITING_INPUT,
                    RunStatus.RUNNING, RunStatus.SUCCEEDED);
            assertThat(events.getLast().result().asText()).isEqualTo("Bonjour, Lyon");
            List<ScriptedModel.Call> calls = model.calls(runId);
            assertThat(calls.get(1).conversation()).contains("Q: Which city are you in?", "A: Lyon");
            assertThat(calls.get(2).conversation()).contains("Lyon");
        }
    }

    @Test
    void aSecretReachesItsDestinationButNeverTheRunsReport() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"Call with a token",
                     "steps":[{"id":"call","action":"http","method":"POST","url":"%s",
                               "headers":{"Authorization":"Bearer {{ secrets.SERVICE_TOKEN }}"},
                               "body":{"token":"{{ secrets.SERVICE_TOKEN }}"}},
                              {"id":"echo","action":"transform","expression":"'token=' + secrets.SERVICE_TOKEN"}]}"""
                    .formatted(model.toolUrl(runId)), "{}");

            RunEvent done = events(probe, runId, RunStatus.SUCCEEDED).getLast();

            assertThat(model.toolCalls(runId).getFirst().path("token").asText()).isEqualTo("tok-5d6e7f8091");
            assertThat(done.result().asText()).isEqualTo("token=[secret]");
            assertThat(done.details().toString()).doesNotContain("tok-5d6e7f8091");
        }
    }

    @Test
    void anAgentReadsAndWritesMemoryAndItsWritesComeBackWithTheOutcome() {
        String runId = UUID.randomUUID().toString();
        model.script(runId,
                call -> calls("read_memory", "{\"key\":\"city\"}"),
                call -> calls("write_memory", "{\"key\":\"visits\",\"value\":3,\"scope\":\"permanent\"}"),
                call -> calls("write_memory", "{\"key\":\"x\",\"value\":1,\"scope\":\"forever\"}"),
                call -> calls("succeed", "{\"result\":\"Lyon again\"}"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            RunRequest request = new RunRequest("acme", runId, "task", 1, 1, 1, EventJson.readTree("""
                    {"name":"t","objective":"Greet the user back","tools":["read_memory","write_memory"],"agent":%s}"""
                    .formatted(agent(runId))), EventJson.readTree("{}"), null, null, null, null, "chat-1",
                    EventJson.readTree("{\"session\":{\"city\":\"Lyon\"},\"permanent\":{\"visits\":2}}"));
            KafkaProbe.publishCloudEvent(Topics.RUN_REQUESTS, runId, UUID.randomUUID().toString(), RunRequest.TYPE, runId,
                    EventJson.write(request));

            RunEvent done = events(probe, runId, RunStatus.SUCCEEDED).getLast();

            assertThat(done.result().asText()).isEqualTo("Lyon again");
            assertThat(done.details().get("memory")).isEqualTo(EventJson.readTree("{\"permanent\":{\"visits\":3}}"));
            List<ScriptedModel.Call> calls = model.calls(runId);
            assertThat(calls.getFirst().body().path("tools").findValuesAsText("name"))
                    .contains("read_memory", "write_memory");
            assertThat(calls.get(1).conversation()).contains("\"Lyon\"");
            assertThat(calls.get(2).conversation()).contains("Kept under 'visits' in the permanent memory");
            assertThat(calls.get(3).conversation()).contains("The memory refused", "'forever'");
        }
    }
}
