package io.taskmesh.executor.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.executor.step.StepFailure;
import io.taskmesh.executor.step.Templates;
import io.taskmesh.platform.net.AddressGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code http} step: method, URL, headers and body as templates; the output is
 * {@code {"status": ..., "body": ...}} with the body parsed when it is JSON. Redirects are followed up to five
 * hops, each passing the address guard again, without credentials to another host; a status outside 2xx
 * fails the step with its reason.
 */
@ApplicationScoped
public class HttpStep {

    private static final int MAX_BODY_IN_ERROR = 500;
    private static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final AddressGuard guard;
    private final Duration timeout;
    private final HttpClient client;

    @Inject
    public HttpStep(@ConfigProperty(name = "taskmesh.executor.allow-private-networks", defaultValue = "false") boolean allowPrivate,
            @ConfigProperty(name = "taskmesh.executor.http-timeout", defaultValue = "PT30S") Duration timeout) {
        this(new AddressGuard(allowPrivate), timeout);
    }

    public HttpStep(AddressGuard guard, Duration timeout) {
        this.guard = guard;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public JsonNode call(JsonNode step, Map<String, JsonNode> variables, JsonNode limits) {
        String id = step.path("id").asText();
        String method = step.path("method").asText("GET").toUpperCase(Locale.ROOT);
        String url = Templates.text(step.path("url").asText(), variables, id);
        Map<String, String> headers = new LinkedHashMap<>();
        step.path("headers").properties().forEach(h ->
                headers.put(h.getKey(), Templates.text(h.getValue().asText(), variables, id)));
        return send("step '" + id + "'", method, url, headers, Templates.render(step.get("body"), variables, id), limits);
    }

    /** Refuses an address this executor may not call (internal, unless private networks are allowed). */
    public void checkAddress(String who, URI uri) {
        try {
            guard.check(uri, List.of());
        } catch (AddressGuard.AddressRefused e) {
            throw new StepFailure("url-refused", who + ": " + e.getMessage());
        }
    }

    /**
     * One request, nothing in it rendered (a tool's arguments come from a model and are sent as they are).
     * {@code who} names the step or tool in errors.
     */
    public JsonNode send(String who, String method, String url, Map<String, String> headers, JsonNode body,
            JsonNode limits) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StepFailure("url-refused", who + ": not a URL: " + e.getMessage());
        }
        List<String> allowed = new ArrayList<>();
        limits.path("allowedDomains").forEach(d -> allowed.add(d.asText()));
        Map<String, String> sent = new LinkedHashMap<>(headers);
        for (int hop = 0; ; hop++) {
            try {
                guard.check(uri, allowed);
            } catch (AddressGuard.AddressRefused e) {
                throw new StepFailure("url-refused", who + ": " + (hop == 0 ? "" : "redirected: ") + e.getMessage());
            }
            HttpResponse<String> response = exchange(who, method, uri, sent, body);
            String location = response.headers().firstValue("Location").orElse(null);
            if (!REDIRECTS.contains(response.statusCode()) || location == null) {
                return output(who, method, uri, response);
            }
            if (hop == MAX_REDIRECTS) {
                throw new StepFailure("http-failed", who + ": more than " + MAX_REDIRECTS + " redirects from " + url);
            }
            URI next;
            try {
                next = uri.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new StepFailure("http-failed", who + ": " + uri + " redirected to a malformed URL");
            }
            // every hop passes the guard again; credentials never follow to another host
            if (!String.valueOf(next.getHost()).equalsIgnoreCase(String.valueOf(uri.getHost()))) {
                sent.keySet().removeIf(h -> h.equalsIgnoreCase("Authorization") || h.equalsIgnoreCase("Cookie"));
            }
            int status = response.statusCode();
            if (status == 303 || (status == 301 || status == 302) && !"GET".equals(method) && !"HEAD".equals(method)) {
                method = "GET";
                body = null;
            }
            uri = next;
        }
    }

    private HttpResponse<String> exchange(String who, String method, URI uri, Map<String, String> headers, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(request::header);
        if (body == null || body.isNull()) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase) && !body.isTextual()) {
                request.header("Content-Type", "application/json");
            }
            request.method(method, HttpRequest.BodyPublishers.ofString(body.isTextual() ? body.asText() : body.toString()));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new StepFailure("http-failed", who + ": " + method + " " + uri + " timed out after " + timeout);
        } catch (IOException e) {
            throw new StepFailure("http-failed", who + ": " + method + " " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("cancelled", who + " was interrupted");
        }
    }

    private static JsonNode output(String who, String method, URI uri, HttpResponse<String> response) {
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            String text = response.body() == null ? "" : response.body();
            throw new StepFailure("http-failed", who + ": " + method + " " + uri + " answered "
                    + response.statusCode() + ": " + text.substring(0, Math.min(text.length(), MAX_BODY_IN_ERROR)));
        }
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("status", response.statusCode());
        output.set("body", parse(response));
        return output;
    }

    private static JsonNode parse(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isEmpty()) {
            return JsonNodeFactory.instance.nullNode();
        }
        boolean json = response.headers().firstValue("Content-Type").map(t -> t.contains("json")).orElse(false);
        if (json) {
            try {
                return EventJson.readTree(text);
            } catch (MalformedEventException e) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
        return JsonNodeFactory.instance.textNode(text);
    }
}
