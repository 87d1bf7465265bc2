package io.taskmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's contract with scripts, against a stand-in API: options, output formats, errors, exit codes. */
class TaskmeshTest {

    private HttpServer api;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @TempDir
    java.nio.file.Path config;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer("/api/v1/tasks", 200, "application/json", """
                {"items":[{"name":"double","title":"Double a number","state":"ACTIVE","version":3,
                           "updatedAt":"2026-03-05T10:12:13.456789Z"}],"nextCursor":"ZG91Ymxl"}""");
        answer("/api/v1/tasks/nope", 404, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"task 'nope' does not exist\"}");
        answer("/api/v1/tasks/double/runs", 422, "application/problem+json", """
                {"title":"Unprocessable Content","status":422,"detail":"The inputs do not match the task's parameters",
                 "errors":[{"field":"inputs.x","message":"is required"}]}""");
        answer("/api/v1/runs", 401, "text/plain", "");
        api.start();
    }

    private void answer(String path, int status, String type, String body) {
        api.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
    }

    @AfterEach
    void stopApi() {
        api.stop(0);
    }

    private Result taskmesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment environment = new Environment(Map.of(
                "TASKMESH_API_URL", "http://127.0.0.1:" + api.getAddress().getPort(),
                "TASKMESH_CONFIG_DIR", config.toString(),
                "TASKMESH_TOKEN", "token-1"), InputStream.nullInputStream(), false);
        int code = Taskmesh.execute(environment, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aListIsATableForPeopleWithTheNextPageToAskFor() {
        Result result = taskmesh("tasks", "list", "--label", "team=ops", "--limit", "1");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                NAME    VERSION  STATE   TITLE            UPDATED
                double  3        active  Double a number  2026-03-05T10:12:13Z
                More: add --cursor ZG91Ymxl
                """);
        assertThat(requests).containsExactly("GET /api/v1/tasks?label=team%3Dops&limit=1 Bearer token-1");
    }

    @Test
    void theOutputFormatIsAcceptedBeforeOrAfterTheCommand() {
        for (String[] args : List.of(new String[] {"-o", "json", "tasks", "list"}, new String[] {"tasks", "-o", "JSON", "list"},
                new String[] {"tasks", "list", "--output=json"})) {
            Result result = taskmesh(args);
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).startsWith("{").contains("\"nextCursor\" : \"ZG91Ymxl\"");
        }
        assertThat(taskmesh("tasks", "list", "-o", "yaml").out()).startsWith("items:\n- name: double");
        Result wrong = taskmesh("tasks", "list", "-o", "xml");
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(wrong.err()).contains("xml");
    }

    @Test
    void problemsAreToldByTitleDetailAndFieldWithTheirExitCode() {
        Result notFound = taskmesh("tasks", "get", "nope");
        assertThat(notFound.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(notFound.err()).isEqualTo("error: Not Found: task 'nope' does not exist\n");

        Result invalid = taskmesh("run", "double");
        assertThat(invalid.exitCode()).isEqualTo(ExitCode.INVALID);
        assertThat(invalid.err()).isEqualTo("""
                error: Unprocessable Content: The inputs do not match the task's parameters
                  inputs.x: is required
                """);

        Result unauthorized = taskmesh("runs", "list");
        assertThat(unauthorized.exitCode()).isEqualTo(ExitCode.AUTH);
        assertThat(unauthorized.err()).contains("log in with 'taskmesh login'");
    }

    @Test
    void usageErrorsExit2AndAnUnreachableApiExits1WithoutAStackTrace() {
        assertThat(taskmesh("tasks").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(taskmesh("runs", "feedback", "id-only").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(taskmesh("run").exitCode()).isEqualTo(ExitCode.USAGE);
        Result unreachable = taskmesh("--api-url", "http://127.0.0.1:1", "tasks", "list");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(unreachable.err()).isEqualTo(
                "error: cannot reach the task-api at http://127.0.0.1:1 (is it running? 'bin/taskmesh up' starts it)\n");
    }

    @Test
    void theHelpListsTheExitCodes() {
        Result help = taskmesh("run", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--wait", "Exit codes:", "5   not valid");
    }
}
