package io.taskmesh.cli;

import io.taskmesh.cli.api.ApiClient;
import io.taskmesh.cli.auth.CredentialStore;
import io.taskmesh.cli.auth.Session;
import io.taskmesh.cli.output.Format;
import io.taskmesh.cli.output.Output;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/** What every command of one invocation shares: where to print, the global options, the API and the login. */
public final class Context implements AutoCloseable {

    public static final String DEFAULT_API_URL = "http://127.0.0.1:8080";
    public static final String DEFAULT_KEYCLOAK_URL = "http://127.0.0.1:8180";

    private final Environment environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    String apiUrl;
    Format format = Format.table;
    private HttpClient http;
    private ApiClient api;

    Context(Environment environment, PrintWriter out, PrintWriter err, Clock clock) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public Environment environment() {
        return environment;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public Clock clock() {
        return clock;
    }

    public Output output() {
        return new Output(out, format);
    }

    /** Progress for people: on standard output for tables, on standard error when the output is for scripts. */
    public PrintWriter progress() {
        return format == Format.table ? out : err;
    }

    public String apiUrl() {
        return apiUrl != null ? apiUrl : environment.get("TASKMESH_API_URL", DEFAULT_API_URL);
    }

    public synchronized HttpClient http() {
        if (http == null) {
            // HTTP/1.1: no upgrade dance, and Server-Sent Events stream as plain chunked responses
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
        return http;
    }

    public CredentialStore credentials() {
        return new CredentialStore(environment.configDir());
    }

    public synchronized ApiClient api() {
        if (api == null) {
            Session session = new Session(credentials(), http(), clock, environment.get("TASKMESH_TOKEN", null));
            api = new ApiClient(http(), apiUrl(), session::accessToken);
        }
        return api;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.shutdownNow();
        }
        out.flush();
        err.flush();
    }
}
