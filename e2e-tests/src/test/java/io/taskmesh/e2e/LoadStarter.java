package io.taskmesh.e2e;

import io.taskmesh.events.EventJson;
import io.taskmesh.testing.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Starts runs of a task through the API, each with its own {@code ref} input, round robin over the task-api
 * instances given; remembers ref → run id of each accepted run, and why the others were refused. As a client
 * behind a load balancer does, it sends a request again when its answer never came (the API died, or did not
 * answer in time) to the next API, with the same {@code Idempotency-Key}: the run it asked for starts once,
 * whether or not the first request was taken before its answer was lost. An answer, even an error, is final.
 */
final class LoadStarter {

    /** Attempts of one run's request at most. */
    private static final int ATTEMPTS = 3;

    private final String task;
    private final List<String> apis;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    /** Requests sent again, their answer lost. */
    final AtomicInteger retried = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
    private final String token = Tokens.of("alice");
    final Map<String, String> accepted = new ConcurrentHashMap<>();
    final Map<String, String> refused = new ConcurrentHashMap<>();
    /** How long each API took to accept a run, in ms. */
    private final Map<String, Queue<Long>> answerMillis = new ConcurrentHashMap<>();

    /**
     * Runs a second the fault tests start ({@code -Dtaskmesh.faults.rate=N}, default 50): the suite runs them at
     * a rate this machine sustains beside everything else; a stronger one can push them harder.
     */
    static int faultRate() {
        return Integer.getInteger("taskmesh.faults.rate", 50);
    }

    /**
     * Calls {@code start("run-0")}, {@code start("run-1")}, … {@code rate} times a second, whatever happens to
     * the runs before, until {@code total} were started; the answers are added to {@code answers}.
     */
    ScheduledExecutorService startAtRate(int rate, int total, List<CompletableFuture<Void>> answers) {
        return startAtRate("run-", rate, total, answers);
    }

    /**
     * Brings the platform to the rate before it is measured: runs {@code warm-0}, {@code warm-1}, … for
     * {@code time} at {@code rate} (the services compile their hot code, the pools fill); answers once the API
     * has answered all of them, and forgets how long it took.
     */
    void warmUp(int rate, Duration time) throws Exception {
        int total = (int) (rate * time.toSeconds());
        List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
        ScheduledExecutorService clock = startAtRate("warm-", rate, total, answers);
        try {
            Awaitility.await("warm-up runs sent").atMost(time.plusSeconds(30)).until(() -> answers.size() == total);
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            clock.shutdown();
        }
        answerMillis.clear();
    }

    private ScheduledExecutorService startAtRate(String prefix, int rate, int total, List<CompletableFuture<Void>> answers) {
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        clock.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i < total) {
                answers.add(start(prefix + i));
            }
        }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        return clock;
    }

    LoadStarter(String task, List<String> apis) {
        this.task = task;
        this.apis = apis;
    }

    LoadStarter(String task) {
        this(task, List.of(Platform.api()));
    }

    CompletableFuture<Void> start(String ref) {
        started.incrementAndGet();
        return attempt(ref, 1);
    }

    private CompletableFuture<Void> attempt(String ref, int attempt) {
        String api = apis.get(Math.floorMod(next.getAndIncrement(), apis.size()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/api/v1/tasks/" + task + "/runs"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Idempotency-Key", task + ":" + ref)
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":{\"ref\":\"" + ref + "\"}}")).build();
        long sentAt = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (response != null && response.statusCode() == 202) {
                accepted.put(ref, EventJson.readTree(response.body()).path("id").asText());
                answerMillis.computeIfAbsent(api, a -> new ConcurrentLinkedQueue<>()).add((System.nanoTime() - sentAt) / 1_000_000);
            } else if (response == null && attempt < ATTEMPTS) {
                retried.incrementAndGet();
                return attempt(ref, attempt + 1);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                refused.put(ref, response == null ? cause.toString() : response.statusCode() + " " + response.body());
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(done -> done);
    }

    /** How many runs were refused for each reason (its first 40 characters). */
    Map<String, Long> refusedBy() {
        return refused.values().stream()
                .collect(Collectors.groupingBy(r -> r.length() > 40 ? r.substring(0, 40) : r, Collectors.counting()));
    }

    /** Runs started, accepted or not. */
    int sent() {
        return started.get();
    }

    /** For each API, how long it took to accept a run: {@code port=p50/p99/max ms}. */
    String answerTimes() {
        StringBuilder times = new StringBuilder();
        answerMillis.forEach((api, millis) -> {
            long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
            times.append(times.isEmpty() ? "" : ",").append(URI.create(api).getPort()).append('=')
                    .append(sorted[sorted.length / 2]).append('/').append(sorted[(int) (sorted.length * 0.99)]).append('/')
                    .append(sorted[sorted.length - 1]).append("ms");
        });
        return times.toString();
    }
}
