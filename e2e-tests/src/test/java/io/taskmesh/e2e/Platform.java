package io.taskmesh.e2e;

import io.taskmesh.events.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The four services as they run in production: their packaged jars started as processes, on ports of
 * their own and a database of their own, against the real Kafka, PostgreSQL and Keycloak that
 * {@code bin/taskmesh test} started. Started once for the whole end-to-end suite and stopped when its JVM ends.
 */
final class Platform {

    static final int API_PORT = 18080;
    static final String GROUP_PREFIX = "e2e-";
    static final int NOTIFICATIONS_PORT = 18083;
    private static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("task-api", API_PORT);
        SERVICES.put("task-scheduler", 18081);
        SERVICES.put("task-executor", 18082);
        SERVICES.put("notification-service", NOTIFICATIONS_PORT);
    }

    private static final List<Process> PROCESSES = new ArrayList<>();
    private static boolean started;

    private Platform() {
    }

    /** Requests as one of the realm's local users. */
    static io.restassured.specification.RequestSpecification as(String user) {
        return io.restassured.RestAssured.given().auth().oauth2(io.taskmesh.testing.Tokens.of(user));
    }

    static String api() {
        return "http://127.0.0.1:" + API_PORT;
    }

    static String notifications() {
        return "http://127.0.0.1:" + NOTIFICATIONS_PORT;
    }

    /**
     * The services start as a new deployment would, on topics the rest of the suite has already filled: each
     * service's consumer group begins at the current end of every topic, so they carry out only what this
     * suite asks of them, and at once.
     */
    private static void skipBacklog() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var description : admin.describeTopics(Topics.ALL).allTopicNames().get().values()) {
                description.partitions().forEach(p ->
                        latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) ->
                    ends.put(partition, new OffsetAndMetadata(info.offset())));
            for (String service : SERVICES.keySet()) {
                admin.alterConsumerGroupOffsets(GROUP_PREFIX + service, ends).all().get();
            }
        }
    }

    static synchronized void start() throws Exception {
        if (started) {
            return;
        }
        started = true;
        skipBacklog();
        for (var service : SERVICES.entrySet()) {
            PROCESSES.add(launch(service.getKey(), service.getValue(), service.getKey(), Map.of()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Platform::stop, "platform-stop"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int index = 0;
        for (var service : SERVICES.entrySet()) {
            awaitReady(service.getKey(), service.getValue(), PROCESSES.get(index++), deadline);
        }
    }

    /**
     * One more instance of a service beside the suite's, as a second replica would run: same database, same
     * consumer groups, its own HTTP port and log ({@code <name>.log}), and {@code properties} as system
     * properties. Returns once it is ready; it is stopped with the others if it still runs when the suite ends.
     */
    static synchronized Process startInstance(String service, int port, String name, Map<String, String> properties)
            throws Exception {
        start();
        Process process = launch(service, port, name, properties);
        PROCESSES.add(process);
        awaitReady(name, port, process, System.nanoTime() + Duration.ofSeconds(120).toNanos());
        return process;
    }

    private static Path logs() throws IOException {
        return Files.createDirectories(root().resolve("e2e-tests/target/services"));
    }

    private static Path root() {
        return Path.of(System.getProperty("taskmesh.root", "..")).toAbsolutePath().normalize();
    }

    private static Process launch(String service, int port, String name, Map<String, String> properties)
            throws IOException {
        Path jar = root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("not built: " + jar);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs().resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("TASKMESH_DB_NAME", "taskmesh_e2e");
        env.put("TASKMESH_GROUP_PREFIX", GROUP_PREFIX);
        env.put("TASKMESH_API_BASE_URL", api());
        // the console (on task-api) calls the notification-service's API from its own origin
        env.put("TASKMESH_CONSOLE_NOTIFICATIONS_URL", notifications());
        env.put("TASKMESH_CONSOLE_ORIGINS", api());
        // the suite's own HTTP endpoints live on loopback; the address guard itself is tested in the executor
        env.put("TASKMESH_ALLOW_PRIVATE_NETWORKS", "true");
        return builder.start();
    }

    private static void awaitReady(String name, int port, Process process, long deadline) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        while (!isReady(http, ready)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + logs().resolve(name + ".log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready in 120 s; see " + logs());
            }
            Thread.sleep(300);
        }
    }

    private static boolean isReady(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static synchronized void stop() {
        for (Process p : PROCESSES) {
            p.destroy();
        }
        for (Process p : PROCESSES) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        PROCESSES.clear();
    }
}
