package io.taskmesh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run of a task whose subtasks make a tree of the leaves asked for: up to 50 tasks named under the root,
 * each with up to 50 subtasks written inline, and as many under each of those as it takes (a definition is at
 * most 512 KiB, so a large graph is built from tasks that name each other). Every node is a run of its own with
 * one transform step; the root ends once all of them have. Measures the time from the run's start to the root's
 * end and the CPU each service spent per node.
 */
final class RunGraphBench {

    record Result(int nodes, String shape, String status, double seconds, double nodesPerSecond, double msPerNode,
            Map<String, Double> cpuSeconds, Map<String, Double> cpuMsPerNode) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FAN_OUT = 50;

    private final Platform platform;
    private final Consumer<String> progress;

    RunGraphBench(Platform platform, Consumer<String> progress) {
        this.platform = platform;
        this.progress = progress;
    }

    Result measure(int leaves, Duration timeout) throws InterruptedException {
        // fan-outs of at most 50 (a definition's limit on subtasks), as few levels as the leaves need
        int first = Math.min(FAN_OUT, leaves);
        int second = leaves <= FAN_OUT ? 0 : Math.min(FAN_OUT, (int) Math.ceil(leaves / (double) FAN_OUT));
        int third = leaves <= FAN_OUT * FAN_OUT ? 0 : (int) Math.ceil(leaves / (double) (FAN_OUT * FAN_OUT));
        int nodes = 1 + first + first * second + first * second * third;
        String task = "bench-graph-" + nodes;
        ObjectNode root = node(task);
        ArrayNode level1 = root.putArray("subtasks");
        progress.accept("defining " + first + " tasks named by " + task);
        for (int a = 0; a < first; a++) {
            String name = task + "-n" + a;
            ObjectNode n1 = node(name);
            if (second > 0) {
                ArrayNode level2 = n1.putArray("subtasks");
                for (int b = 0; b < second; b++) {
                    ObjectNode n2 = node("n" + a + "-" + b);
                    if (third > 0) {
                        ArrayNode level3 = n2.putArray("subtasks");
                        for (int c = 0; c < third; c++) {
                            level3.add(node("n" + a + "-" + b + "-" + c));
                        }
                    }
                    level2.add(n2);
                }
            }
            platform.api.define(name, n1.toString());
            level1.add(name);
        }
        progress.accept("defining " + task + " (" + nodes + " nodes)");
        platform.api.define(task, root.toString());
        Map<String, Double> before = cpu();
        long started = System.nanoTime();
        String run = platform.api.startRun(task);
        progress.accept("run " + run + " started; waiting for its root to end");
        String status = "NOT FINISHED";
        long deadline = started + timeout.toNanos();
        long lastReport = started;
        while (System.nanoTime() < deadline) {
            var view = platform.api.get("/api/v1/runs/" + run);
            if (view.path("complete").asBoolean(false)) {
                status = view.path("status").asText();
                break;
            }
            if (System.nanoTime() - lastReport > Duration.ofSeconds(30).toNanos()) {
                lastReport = System.nanoTime();
                progress.accept("root " + view.path("status").asText() + " after " + (lastReport - started) / 1_000_000_000 + " s");
            }
            Thread.sleep(500);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Double> after = cpu();
        Map<String, Double> used = new LinkedHashMap<>();
        Map<String, Double> perNode = new LinkedHashMap<>();
        before.forEach((service, cpu) -> {
            if (after.get(service) != null) {
                double s = after.get(service) - cpu;
                used.put(service, round(s));
                perNode.put(service, round(s * 1000 / nodes));
            }
        });
        return new Result(nodes, "1 + " + first + " + " + first * second + " + " + first * second * third, status,
                round(seconds), round(nodes / seconds), round(seconds * 1000 / nodes), used, perNode);
    }

    private static ObjectNode node(String name) {
        ObjectNode node = JSON.createObjectNode().put("name", name).put("objective", "Benchmark node " + name);
        node.putArray("steps").addObject().put("id", "noop").put("action", "transform").put("expression", "1");
        return node;
    }

    private Map<String, Double> cpu() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String service : ServiceMemory.SERVICES) {
            Double seconds = platform.memory.cpuSeconds(service);
            if (seconds != null) {
                cpu.put(service, seconds);
            }
        }
        return cpu;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
