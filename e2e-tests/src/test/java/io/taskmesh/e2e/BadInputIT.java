package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventTypes;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad input sent to every endpoint and every consumed topic of the running services: malformed
 * JSON and YAML, wrong types, unknown fields, huge bodies, deep nesting, cyclic graphs, bad cron, time zones,
 * CEL and JSON Schema, invalid UTF-8, oversized headers. Every HTTP answer is a 4xx with an RFC 9457 problem
 * body (but the bare 431 of headers too large, written by the HTTP codec before any handler runs), no 5xx; every bad record lands in a dead-letter topic; every service is still healthy and still runs
 * tasks afterwards. Prints the counts.
 */
class BadInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final byte[] INVALID_UTF8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
            (byte) 0xFF, '"', '}'};

    private static String task;
    private static String runId;

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
        task = "bad-input-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Double","resultSchema":"integer",
                 "parameters":{"type":"object","required":["x"],"properties":{"x":{"type":"integer"}}},
                 "steps":[{"id":"d","action":"transform","expression":"inputs.x * 2"}]}""".formatted(task))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
    }

    private record Case(String name, String method, String url, String contentType, byte[] body, Map<String, String> headers) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String definition(String extra) {
        return "{\"name\":\"" + task + "-x\",\"objective\":\"o\"," + extra + "}";
    }

    private static List<Case> corpus() {
        String api = Platform.api();
        String tasks = api + "/api/v1/tasks";
        String runs = api + "/api/v1/runs";
        String subscriptions = Platform.notifications() + "/api/v1/subscriptions";
        String json = "application/json";
        List<Case> cases = new ArrayList<>();
        Map<String, String> none = Map.of();
        // bodies that are not what they say they are, on every endpoint that takes one
        Map<String, String> bodyEndpoints = new LinkedHashMap<>();
        bodyEndpoints.put("POST", tasks);
        bodyEndpoints.put("PUT", tasks + "/" + task);
        bodyEndpoints.put("POST ", api + "/api/v1/tasks/" + task + "/runs");
        bodyEndpoints.put("POST  ", runs + "/" + runId + "/feedback");
        bodyEndpoints.put("POST   ", runs + "/" + runId + "/answer");
        bodyEndpoints.put("PUT ", api + "/api/v1/agents/bad-agent");
        bodyEndpoints.put("POST    ", subscriptions);
        bodyEndpoints.forEach((method, url) -> {
            String m = method.trim();
            String at = m + " " + url.replaceFirst("http://127.0.0.1:\\d+", "");
            cases.add(new Case(at + " malformed JSON", m, url, json, utf8("{\"name\": "), none));
            cases.add(new Case(at + " JSON of the wrong shape", m, url, json, utf8("[1, 2, 3]"), none));
            cases.add(new Case(at + " a JSON string", m, url, json, utf8("\"text\""), none));
            cases.add(new Case(at + " wrong types", m, url, json,
                    utf8("{\"name\": 12, \"objective\": true, \"inputs\": \"x\", \"content\": 7, \"answer\": [], \"events\": 3}"), none));
            cases.add(new Case(at + " invalid UTF-8", m, url, json, INVALID_UTF8, none));
            cases.add(new Case(at + " nested 100,000 deep", m, url, json, utf8("{\"inputs\": " + nested(100_000) + "}"), none));
            cases.add(new Case(at + " 12 MB", m, url, json, utf8("{\"objective\": \"" + "x".repeat(12 * 1024 * 1024) + "\"}"), none));
            cases.add(new Case(at + " a media type it does not take", m, url, "application/x-www-form-urlencoded", utf8("a=b"), none));
        });
        cases.add(new Case("POST /api/v1/tasks empty body", "POST", tasks, json, new byte[0], none));
        cases.add(new Case("POST /api/v1/tasks malformed YAML", "POST", tasks, "application/yaml", utf8("name: [unclosed\nobjective: {"), none));
        cases.add(new Case("POST /api/v1/tasks YAML anchors bomb", "POST", tasks, "application/yaml", utf8("""
                a: &a ["x","x","x","x","x","x","x","x","x"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                name: bomb
                objective: [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                """), none));
        cases.add(new Case("POST /api/v1/tasks unknown field", "POST", tasks, json, utf8(definition("\"colour\":\"red\"")), none));
        cases.add(new Case("POST /api/v1/tasks name not URL-safe", "POST", tasks, json, utf8("{\"name\":\"a b/../c\",\"objective\":\"o\"}"), none));
        cases.add(new Case("POST /api/v1/tasks cycle", "POST", tasks, json,
                utf8(definition("\"dependsOn\":[\"" + task + "-x\"]")), none));
        cases.add(new Case("POST /api/v1/tasks bad cron", "POST", tasks, json,
                utf8(definition("\"triggers\":[{\"type\":\"schedule\",\"cron\":\"61 * * * * ?\"}]")), none));
        cases.add(new Case("POST /api/v1/tasks bad time zone", "POST", tasks, json,
                utf8(definition("\"triggers\":[{\"type\":\"schedule\",\"cron\":\"0 0 * * * ?\",\"timezone\":\"Mars/Olympus\"}]")), none));
        cases.add(new Case("POST /api/v1/tasks bad CEL", "POST", tasks, json, utf8(definition("\"resultValidator\":\"result >\"")), none));
        cases.add(new Case("POST /api/v1/tasks bad JSON Schema", "POST", tasks, json,
                utf8(definition("\"resultSchema\":{\"type\":\"nonsense\",\"minimum\":\"ten\"}")), none));
        cases.add(new Case("POST /api/v1/tasks limits out of range", "POST", tasks, json,
                utf8(definition("\"limits\":{\"maxAttempts\":-3,\"maxDurationSeconds\":0}")), none));
        cases.add(new Case("POST /api/v1/tasks/{name}/runs inputs failing parameters", "POST", api + "/api/v1/tasks/" + task + "/runs",
                json, utf8("{\"inputs\":{\"x\":\"one\"}}"), none));
        cases.add(new Case("POST /api/v1/tasks/{unknown}/runs", "POST", api + "/api/v1/tasks/no-such-task/runs", json, utf8("{}"), none));
        cases.add(new Case("GET /api/v1/runs bad filters", "GET", runs + "?status=DONE&limit=-1&from=yesterday&cursor=%25%25", null, null, none));
        cases.add(new Case("GET /api/v1/tasks bad filters", "GET", tasks + "?state=gone&label=nokey&limit=100000", null, null, none));
        cases.add(new Case("GET /api/v1/runs/{not a uuid}", "GET", runs + "/not-a-uuid", null, null, none));
        cases.add(new Case("GET /api/v1/runs/stream bad status", "GET", runs + "/stream?status=LATE", null, null, none));
        cases.add(new Case("GET stats bad window", "GET", api + "/api/v1/tasks/" + task + "/runs/stats?from=then", null, null, none));
        cases.add(new Case("GET /api/v1/tasks/{name}/versions/{not a number}", "GET", tasks + "/" + task + "/versions/first", null, null, none));
        cases.add(new Case("DELETE /api/v1/tasks/{name} (not allowed)", "DELETE", tasks + "/" + task, null, null, none));
        cases.add(new Case("GET /api/v1/tasks with a 64 KB header", "GET", tasks, null, null, Map.of("X-Padding", "p".repeat(64 * 1024))));
        cases.add(new Case("POST /api/v1/subscriptions invalid URL", "POST", subscriptions, json,
                utf8("{\"events\":[\"FAILED\"],\"url\":\"ht!tp://nowhere\"}"), none));
        // (private addresses are refused where they are not allowed: AddressGuardTest; this platform allows loopback)
        cases.add(new Case("POST /api/v1/subscriptions not http", "POST", subscriptions, json,
                utf8("{\"events\":[\"FAILED\"],\"url\":\"file:///etc/passwd\"}"), none));
        cases.add(new Case("POST /api/v1/subscriptions unknown event kind", "POST", subscriptions, json,
                utf8("{\"events\":[\"EXPLODED\"],\"url\":\"https://example.com/hook\"}"), none));
        cases.add(new Case("GET /api/v1/events/stream bad status", "GET", Platform.notifications() + "/api/v1/events/stream?status=LATE",
                null, null, none));
        return cases;
    }

    @Test
    void everyBadRequestGetsA4xxProblemAndEveryBadRecordADeadLetterAndTheServicesCarryOn() throws Exception {
        String token = Tokens.of("alice");
        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        List<Case> cases = corpus();
        for (Case c : cases) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(c.url())).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json, application/problem+json")
                    .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
            if (c.contentType() != null) {
                request.header("Content-Type", c.contentType());
            }
            c.headers().forEach(request::header);
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                wrong.add(c.name() + ": connection failed: " + e);
                continue;
            }
            byStatus.merge(response.statusCode(), 1, Integer::sum);
            if (response.statusCode() == 431) {
                // refused by the HTTP codec while reading the headers, before any handler of the service runs:
                // a bare status is all Vert.x writes there
                continue;
            }
            String problem = problemOf(response);
            if (response.statusCode() < 400 || response.statusCode() > 499 || problem != null) {
                wrong.add(c.name() + ": " + response.statusCode() + " " + (problem == null ? "" : problem) + " "
                        + response.body().substring(0, Math.min(200, response.body().length())));
            }
        }
        System.out.printf("bad input over HTTP: %d requests, answers by status %s, %d not a 4xx problem%n",
                cases.size(), byStatus, wrong.size());
        wrong.forEach(w -> System.out.println("  " + w));

        int records = badRecords();

        // still healthy, and still doing the work
        for (int port : List.of(Platform.API_PORT, Platform.API_PORT + 1, Platform.API_PORT + 2, Platform.NOTIFICATIONS_PORT)) {
            io.restassured.RestAssured.get("http://127.0.0.1:" + port + "/q/health").then().statusCode(200).body("status", equalTo("UP"));
        }
        String after = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":21}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + after).then().body("status", equalTo("SUCCEEDED"))
                        .body("result", equalTo(42)));
        System.out.printf("bad records: %d sent, each in a dead-letter topic; 4 services healthy, a run succeeded after%n", records);
        assertThat(wrong).as("answers that are not a 4xx with a problem body").isEmpty();
    }

    /** What is wrong with the answer as a problem: null when it is an RFC 9457 body with the answer's status. */
    private static String problemOf(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return "content type '" + type + "'";
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.path("status").asInt() != response.statusCode() || !body.hasNonNull("title")) {
                return "status/title missing";
            }
            return null;
        } catch (Exception e) {
            return "not JSON";
        }
    }

    /** Bad records on every topic a service consumes; each must reach the topic's dead-letter topic. */
    private static int badRecords() throws Exception {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        List<String> consumed = List.of(Topics.TASK_DEFINITIONS, Topics.RUN_COMMANDS, Topics.RUN_REQUESTS, Topics.RUN_EVENTS);
        String[] dlqs = consumed.stream().map(Topics::deadLetter).toArray(String[]::new);
        try (KafkaProbe probe = KafkaProbe.watch(dlqs)) {
            for (String topic : consumed) {
                List<String> keys = new ArrayList<>();
                Map<String, Map.Entry<String, Map<String, String>>> records = new LinkedHashMap<>();
                records.put("not JSON", Map.entry("this is not an event", Map.of()));
                records.put("JSON, not a CloudEvent", Map.entry("{\"hello\":\"world\"}", Map.of()));
                records.put("control characters", Map.entry("\u0000\u0001\u00ff{", Map.of()));
                records.put("deep nesting", Map.entry(nested(50_000), Map.of()));
                records.put("CloudEvent with data of the wrong types", Map.entry("{\"tenant\":5,\"runId\":[],\"status\":\"EXPLODED\"}",
                        Map.of("ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(), "ce_source", "/bad-input",
                                "ce_type", topic.equals(Topics.TASK_DEFINITIONS) ? TaskDefinitionChanged.TYPE
                                        : topic.equals(Topics.RUN_COMMANDS) ? RunCreateCommand.TYPE
                                        : topic.equals(Topics.RUN_REQUESTS) ? RunRequest.TYPE : EventTypes.RUN_STATUS_PREFIX + "running.v1",
                                "content-type", "application/json")));
                for (var record : records.entrySet()) {
                    String key = "bad-" + UUID.randomUUID();
                    keys.add(key + " (" + record.getKey() + ")");
                    KafkaProbe.publish(topic, key, record.getValue().getKey(), record.getValue().getValue());
                }
                sent.put(topic, keys);
            }
            int count = 0;
            for (var entry : sent.entrySet()) {
                for (String key : entry.getValue()) {
                    String bare = key.substring(0, key.indexOf(' '));
                    probe.await(e -> bare.equals(e.key()) && e.topic().equals(Topics.deadLetter(entry.getKey())), Duration.ofSeconds(90));
                    count++;
                }
            }
            return count;
        }
    }
}
