package io.taskmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.taskmesh.cli.Environment;
import io.taskmesh.cli.Taskmesh;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code taskmesh} command against the running platform, run in-process as a user runs it: log in to
 * Keycloak, apply the definitions in {@code examples/}, run tasks and follow them, read runs, and fail with
 * the documented exit codes and the problem's fields.
 */
class CliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of(System.getProperty("taskmesh.root", "..")).resolve("examples")
            .toAbsolutePath().normalize();

    @TempDir
    static Path config;

    /** What one invocation printed and its exit code. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void startPlatformAndLogIn() throws Exception {
        Platform.start();
        Result login = taskmeshWithInput("alice\n", config, "login", "--username", "alice", "--password-stdin");
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).contains("Logged in", "alice", "tenant acme");
    }

    static Result taskmesh(String... args) {
        return taskmeshWithInput("", config, args);
    }

    static Result taskmeshWithInput(String stdin, Path configDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment environment = new Environment(Map.of(
                "TASKMESH_API_URL", Platform.api(),
                "TASKMESH_KEYCLOAK_URL", "http://127.0.0.1:8180",
                "TASKMESH_CONFIG_DIR", configDir.toString()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
        int exitCode = Taskmesh.execute(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        Result result = new Result(exitCode, out.toString(), err.toString());
        assertThat(result.err()).as("no stack trace").doesNotContain("\tat ", "Exception");
        return result;
    }

    @Test
    void theExamplesApplyAndApplyingThemAgainChangesNothing() throws Exception {
        Result first = taskmesh("tasks", "apply", "-f", EXAMPLES.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        for (String name : List.of("double", "repo-stars", "weekday-greeting")) {
            assertThat(first.out()).as(first.toString()).containsPattern("(?m)^" + name + ": (created|updated|unchanged), version \\d+");
        }

        Result second = taskmesh("tasks", "apply", "-f", EXAMPLES.toString());
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out().lines().filter(l -> !l.isBlank()).toList()).as(second.toString())
                .hasSize(3).allMatch(l -> l.matches("[a-z-]+: unchanged, version \\d+"));

        Result list = taskmesh("tasks", "list", "--label", "example=true");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).startsWith("NAME").contains("double", "repo-stars", "weekday-greeting");

        Result json = taskmesh("tasks", "list", "--label", "example=true", "-o", "json");
        assertThat(json.exitCode()).isZero();
        List<String> names = new ArrayList<>();
        json.json().path("items").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).contains("double", "repo-stars", "weekday-greeting");

        // the schedule's next fire time is shown
        Result scheduled = taskmesh("tasks", "get", "weekday-greeting");
        assertThat(scheduled.out()).containsPattern("weekday-mornings \\(schedule\\), next: \\d{4}-\\d\\d-\\d\\dT");
    }

    @Test
    void aChangedDefinitionBecomesTheNextVersionAndTheChangedFieldsAreShown(@TempDir Path dir) throws Exception {
        String name = "double-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = Files.readString(EXAMPLES.resolve("double.yaml")).replace("name: double", "name: " + name);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, definition);

        Result created = taskmesh("tasks", "apply", "-f", file.toString());
        assertThat(created.out()).as(created.toString()).isEqualTo(name + ": created, version 1\n");

        Files.writeString(file, definition.replace("objective: Double a number", "objective: Double any number")
                .replace("labels:\n  example: \"true\"\n", ""));
        Result dryRun = taskmesh("tasks", "apply", "--dry-run", "-f", file.toString());
        assertThat(dryRun.out()).contains(name + ": updated, version 1 → 2 (dry run)");
        Result updated = taskmesh("tasks", "apply", "-f", file.toString());
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        assertThat(updated.out()).as(updated.toString()).isEqualTo("""
                %s: updated, version 1 → 2
                  ~ objective: "Double a number" → "Double any number"
                  - labels
                """.formatted(name));

        Result versions = taskmesh("tasks", "versions", name, "-o", "yaml");
        JsonNode listed = new YAMLMapper().readTree(versions.out());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).path("version").asInt()).isEqualTo(2);
        assertThat(taskmesh("tasks", "apply", "-f", file.toString()).out()).isEqualTo(name + ": unchanged, version 2\n");

        Result inactive = taskmesh("tasks", "deactivate", name);
        assertThat(inactive.out()).isEqualTo(name + ": inactive, version 2\n");
        Result refused = taskmesh("run", name, "--input", "x=1");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(taskmesh("tasks", "activate", name).exitCode()).isZero();
    }

    @Test
    void runningDoubleWithWaitPrintsEachStatusAndTheResult() throws Exception {
        assertThat(taskmesh("tasks", "apply", "-f", EXAMPLES.resolve("double.yaml").toString()).exitCode()).isZero();

        Result waited = taskmesh("run", "double", "--input", "x=21", "--wait", "--timeout", "60");
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        assertThat(waited.out()).as(waited.toString()).contains("SUCCEEDED").containsPattern("(?m)^Result: +42$");
        assertThat(waited.out()).as(waited.toString()).containsPattern("(?m)^\\S+Z  SUCCEEDED +attempt 1$");

        // inputs from a file (here standard input), overridden key by key by --input
        Result json = taskmeshWithInput("{\"x\": 50}", config,
                "-o", "json", "run", "double", "--inputs", "-", "--input", "x=21", "--wait");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode run = json.json();
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("result").asInt()).isEqualTo(42);
        assertThat(run.path("inputs").path("x").asInt()).isEqualTo(21);
        String id = run.path("id").asText();

        Result get = taskmesh("runs", "get", id);
        assertThat(get.out()).contains("Run:        " + id, "Status:     SUCCEEDED", "Result:     42");
        Result listed = taskmesh("runs", "list", "--task", "double", "--is", "successful", "-o", "json");
        assertThat(listed.json().path("items").findValuesAsText("id")).contains(id);
        Result logs = taskmesh("runs", "logs", id, "--follow");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("SUCCEEDED");
        Result stats = taskmesh("stats", "double", "-o", "json");
        assertThat(stats.json().path("byStatus").path("SUCCEEDED").asLong()).isGreaterThanOrEqualTo(2);

        Result again = taskmesh("run", "double", "--input", "x=1", "--idempotency-key", "cli-" + id, "-o", "json");
        Result replayed = taskmesh("run", "double", "--input", "x=1", "--idempotency-key", "cli-" + id, "-o", "json");
        assertThat(replayed.json().path("id").asText()).isEqualTo(again.json().path("id").asText());
    }

    @Test
    void inputsThatDoNotMatchTheParametersNameTheFieldAndExit5() {
        assertThat(taskmesh("tasks", "apply", "-f", EXAMPLES.resolve("double.yaml").toString()).exitCode()).isZero();

        Result wrongType = taskmesh("run", "double", "--input", "x=abc");
        assertThat(wrongType.exitCode()).as(wrongType.toString()).isEqualTo(5);
        assertThat(wrongType.err()).startsWith("error: ").contains("inputs.x");

        Result missing = taskmesh("run", "double");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(5);
        assertThat(missing.err()).containsPattern("(?m)^  inputs\\.x: ");
    }

    @Test
    void anInvalidDefinitionIsRefusedWithItsFieldsAndExit5(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, """
                name: broken-%s
                objective: Nothing
                steps:
                  - id: calc
                    action: transform
                """.formatted(UUID.randomUUID().toString().substring(0, 8)));
        Result refused = taskmesh("tasks", "apply", "-f", file.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.out()).contains("failed").contains("steps[0]");
    }

    @Test
    void aRunThatFailsMakesWaitExitNonZeroWithTheReason(@TempDir Path dir) throws Exception {
        String name = "fails-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = dir.resolve("fails.yaml");
        Files.writeString(file, """
                name: %s
                objective: Always fails
                steps:
                  - id: calc
                    action: transform
                    expression: inputs.missing * 2
                """.formatted(name));
        assertThat(taskmesh("tasks", "apply", "-f", file.toString()).exitCode()).isZero();
        Result failed = taskmesh("run", name, "--wait", "--timeout", "60");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED");
        assertThat(failed.err()).contains("ended FAILED", "expression-failed");
    }

    @Test
    void aRunAwaitingValidationIsFollowedThroughItsRevisionUntilValidated(@TempDir Path dir) throws Exception {
        String name = "headline-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = dir.resolve("headline.yaml");
        Files.writeString(file, """
                name: %s
                objective: Write a headline
                resultSchema: string
                validation:
                  externalValidationRequired: true
                steps:
                  - id: h
                    action: transform
                    expression: "'Taskmesh ships ' + inputs.what"
                """.formatted(name));
        assertThat(taskmesh("tasks", "apply", "-f", file.toString()).exitCode()).isZero();

        CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() ->
                taskmesh("run", name, "--input", "what=validation", "--wait", "--timeout", "120"));
        String id = awaitRun(name, "AWAITING_VALIDATION", 1);
        Result feedback = taskmesh("runs", "feedback", id, "Mention", "the", "scheduler");
        assertThat(feedback.exitCode()).as(feedback.toString()).isZero();
        awaitRun(name, "AWAITING_VALIDATION", 2);
        assertThat(waiting).isNotDone();
        Result validated = taskmesh("runs", "validate", id);
        assertThat(validated.exitCode()).as(validated.toString()).isZero();

        Result waited = waiting.get(60, TimeUnit.SECONDS);
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        assertThat(waited.out()).contains("AWAITING_VALIDATION", "REVISE", "VALIDATED", "Result:     Taskmesh ships validation");
        Result shown = taskmesh("runs", "get", id);
        assertThat(shown.out()).contains("Mention the scheduler");
    }

    @Test
    void aRunThatAsksIsAnsweredAndGoesOnWithTheAnswer(@TempDir Path dir) throws Exception {
        String name = "ask-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = dir.resolve("ask.yaml");
        Files.writeString(file, """
                name: %s
                objective: Ask for a colour
                resultSchema: string
                steps:
                  - id: colour
                    action: ask
                    question: "Which colour for {{ inputs.thing }}?"
                  - id: answer
                    action: transform
                    expression: "inputs.thing + ' in ' + steps.colour.output"
                """.formatted(name));
        assertThat(taskmesh("tasks", "apply", "-f", file.toString()).exitCode()).isZero();

        CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() ->
                taskmesh("run", name, "--input", "thing=the bike shed", "--wait", "--timeout", "120"));
        String id = awaitRun(name, "AWAITING_INPUT", 1);
        assertThat(taskmesh("runs", "get", id).out()).contains("Question:   Which colour for the bike shed?");
        Result answered = taskmesh("runs", "answer", id, "dark", "green");
        assertThat(answered.exitCode()).as(answered.toString()).isZero();

        Result waited = waiting.get(60, TimeUnit.SECONDS);
        assertThat(waited.exitCode()).as(waited.toString()).isZero();
        assertThat(waited.out()).contains("AWAITING_INPUT", "the run asks: Which colour for the bike shed?",
                "Result:     the bike shed in dark green");
    }

    private static String awaitRun(String task, String status, int attempt) {
        String[] id = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            JsonNode runs = taskmesh("runs", "list", "--task", task, "-o", "json").json().path("items");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).path("status").asText()).isEqualTo(status);
            assertThat(runs.get(0).path("attempt").asInt()).isEqualTo(attempt);
            id[0] = runs.get(0).path("id").asText();
        });
        return id[0];
    }

    @Test
    void anUnknownTaskExits3() {
        Result unknown = taskmesh("tasks", "get", "no-such-task-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(3);
        assertThat(unknown.err()).startsWith("error: Not Found: task 'no-such-task-").contains("does not exist");
        assertThat(taskmesh("runs", "get", UUID.randomUUID().toString()).exitCode()).isEqualTo(3);
    }

    @Test
    void aWrongPasswordOrNoLoginExits4(@TempDir Path elsewhere) {
        Result wrong = taskmeshWithInput("not-alice\n", elsewhere, "login", "-u", "alice", "--password-stdin");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(4);
        assertThat(wrong.err()).isEqualTo("error: login failed: Invalid user credentials\n");
        assertThat(elsewhere.resolve("credentials.json")).doesNotExist();

        Result anonymous = taskmeshWithInput("", elsewhere, "tasks", "list");
        assertThat(anonymous.exitCode()).isEqualTo(4);
        assertThat(anonymous.err()).contains("not logged in");

        // vera reads but may not start runs
        assertThat(taskmeshWithInput("vera\n", elsewhere, "login", "-u", "vera", "--password-stdin").exitCode()).isZero();
        Result forbidden = taskmeshWithInput("", elsewhere, "run", "double", "--input", "x=1");
        assertThat(forbidden.exitCode()).as(forbidden.toString()).isEqualTo(4);
        assertThat(taskmeshWithInput("", elsewhere, "logout").out()).startsWith("Logged out vera");
        assertThat(elsewhere.resolve("credentials.json")).doesNotExist();
    }

    @Test
    void aWrongCommandLineExits2() {
        Result unknown = taskmesh("tasks", "lst");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("tasks list");
        assertThat(taskmesh("run", "double", "--input", "novalue").exitCode()).isEqualTo(2);
        assertThat(taskmesh("tasks", "apply", "-f", "/no/such/dir").exitCode()).isEqualTo(2);
    }
}
