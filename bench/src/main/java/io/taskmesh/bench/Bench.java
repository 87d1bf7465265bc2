package io.taskmesh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/taskmesh bench <scenario> [flags]}: measures the running platform and this machine, prints a
 * table per scenario and writes every figure as JSON under {@code .taskmesh/bench/}. Progress goes to
 * stderr, so that stdout holds only the tables.
 */
public final class Bench {

    private static final PrintStream OUT = System.out;
    private static final PrintStream PROGRESS = System.err;

    private final Options options;
    private final Endpoints endpoints;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private MachineLimits.Result limits;

    private Bench(Options options, Endpoints endpoints) {
        this.options = options;
        this.endpoints = endpoints;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.println(Options.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        try {
            new Bench(options, Endpoints.fromEnvironment(System.getenv())).run();
            System.exit(0);
        } catch (Exception e) {
            System.err.println("bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String scenario = options.scenario();
        Machine machine = Machine.now();
        report.put("scenario", scenario);
        report.put("startedAt", OffsetDateTime.now().toString());
        report.put("options", options);
        report.put("machine", machine);
        OUT.printf("Taskmesh benchmark: %s. %d cores, load average %.2f at start%s.%n", scenario, machine.cores(),
                machine.loadAverage1m(), machine.loadAverage1m() > machine.cores() * 0.5
                        ? " (a busy machine: the figures are lower than it could do idle)" : "");
        if (scenario.equals("limits") || scenario.equals("throughput") || scenario.equals("all")) {
            limits();
        }
        if (scenario.equals("schedules")) {
            schedules();
        } else if (scenario.equals("deliveries")) {
            deliveries();
        } else if (!scenario.equals("limits")) {
            try (Platform platform = new Platform(endpoints, options)) {
                if (scenario.equals("throughput") || scenario.equals("all")) {
                    throughput(platform);
                }
                if (scenario.equals("peer") || scenario.equals("all")) {
                    peer(platform);
                }
                if (scenario.equals("latency") || scenario.equals("all")) {
                    latency(platform);
                }
                if (scenario.equals("list")) {
                    list(platform);
                }
                if (scenario.equals("graph")) {
                    graph(platform);
                }
            }
        }
        report.put("loadAverage1mAtEnd", Machine.now().loadAverage1m());
        Path file = write();
        OUT.println();
        OUT.println("Results: " + file);
    }

    // ------------------------------------------------------------------ limits

    private void limits() throws Exception {
        progress("limits: PostgreSQL commits with 1 and %d connections, then Kafka records, %d s each",
                options.connections(), options.limitSeconds());
        limits = new MachineLimits(endpoints).measure(options.limitSeconds(), options.connections());
        report.put("limits", limits);
        new Table("Limits of this machine (" + options.limitSeconds() + " s each)", "what", "per second")
                .row("PostgreSQL commits, one small insert per transaction, 1 connection", limits.pgCommitsPerSecondOneConnection())
                .row("PostgreSQL commits, one small insert per transaction, " + limits.connections() + " connections",
                        limits.pgCommitsPerSecond())
                .row("Kafka records produced, acks=all, " + limits.kafkaRecordBytes() + " bytes each", limits.kafkaRecordsPerSecond())
                .print(OUT);
        OUT.println("  PostgreSQL " + limits.postgresSettings());
    }

    // ------------------------------------------------------------------ throughput

    record ThroughputPhase(String via, Tracker.Result result, Double percentOfPgCommits, Double percentOfKafkaRecords,
            Map<String, Double> cpuMsPerRun) {
    }

    record Throughput(int concurrency, List<ThroughputPhase> phases, Map<String, Long> idleRssMib,
            Map<String, Long> underLoadRssMib) {
    }

    private void throughput(Platform platform) throws Exception {
        Map<String, Long> idle = platform.memory.sample();
        ServiceMemory.Peak peak = platform.memory.peak();
        List<ThroughputPhase> phases = new ArrayList<>();
        for (String via : options.via()) {
            Tracker tracker = new Tracker(Tracker.Counting.BY_EVENT);
            platform.events.follow(tracker);
            Load load = new Load(tracker, options);
            boolean kafka = via.equals("kafka");
            try (RunCommandProducer producer = kafka ? new RunCommandProducer(endpoints.kafka(), platform.tenant) : null) {
                Load.Starter starter = kafka ? platform.throughKafka(tracker, producer) : platform.throughApi(tracker);
                load.probe(starter, kafka ? "through a Kafka run command" : "through the API");
                progress("throughput via %s: %d runs in flight, %d s warm-up, %d s measured", via, options.concurrency(),
                        options.warmup(), options.seconds());
                ProcessCpu cpu = new ProcessCpu(endpoints.state());
                Tracker.Result result = load.closed(options.concurrency(), starter, measuring -> {
                    peak.measuring(measuring);
                    cpu.measuring(measuring);
                });
                phases.add(new ThroughputPhase(via, result, share(result.finishedPerSecond(), limits.pgBest()),
                        share(result.finishedPerSecond(), limits.kafkaRecordsPerSecond()),
                        cpu.perRun(result.succeeded() + result.failed())));
            }
        }
        Throughput throughput = new Throughput(options.concurrency(), phases, idle, peak.highest());
        report.put("throughput", throughput);

        Table table = new Table("Throughput: one-step transform runs, " + options.concurrency() + " in flight, "
                + options.seconds() + " s after " + options.warmup() + " s warm-up",
                "via", "created/s", "completed/s", "failed", "refused", "lost", "accepted p50 ms", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "of PG commits/s", "of Kafka records/s");
        for (ThroughputPhase p : phases) {
            Tracker.Result r = p.result();
            table.row(p.via(), r.acceptedPerSecond(), r.finishedPerSecond(), r.failed(), r.refused(), r.lost(),
                    r.toAccepted().p50(), r.toFinished().p50(), r.toFinished().p95(), r.toFinished().p99(), r.toFinished().max(),
                    Table.percent(r.finishedPerSecond(), limits.pgBest()),
                    Table.percent(r.finishedPerSecond(), limits.kafkaRecordsPerSecond()));
        }
        table.print(OUT);
        OUT.println("  p50 … max: from sending the request (or the run command) to seeing the run's SUCCEEDED event;");
        OUT.println("  accepted: from sending to the API's 202 (or Kafka's acknowledgement of the command)");
        phases.stream().filter(p -> p.result().firstRefusal() != null)
                .forEach(p -> OUT.println("  first refusal via " + p.via() + ": " + p.result().firstRefusal()));

        List<String> cpuColumns = new ArrayList<>(List.of("via"));
        cpuColumns.addAll(ProcessCpu.PROCESSES);
        cpuColumns.add("all");
        int cores = Runtime.getRuntime().availableProcessors();
        Table cpu = new Table("CPU per run finished in the measured window, ms (" + cores + " cores: " + cores * 1000
                + " ms of CPU a second, so at most " + cores * 1000 + " / all runs a second)", cpuColumns.toArray(String[]::new));
        for (ThroughputPhase p : phases) {
            List<Object> row = new ArrayList<>(List.of(p.via()));
            ProcessCpu.PROCESSES.forEach(process -> row.add(p.cpuMsPerRun().get(process)));
            row.add(Math.round(p.cpuMsPerRun().values().stream().mapToDouble(Double::doubleValue).sum() * 10) / 10.0);
            cpu.row(row.toArray());
        }
        cpu.print(OUT);

        Table memory = new Table("Memory of each service (RSS, MiB)", "service", "idle", "under load (peak)");
        for (String service : ServiceMemory.SERVICES) {
            memory.row(service, idle.get(service), throughput.underLoadRssMib().get(service));
        }
        memory.print(OUT);
    }

    // ------------------------------------------------------------------ peer

    record PeerSide(Tracker.Result underLoad, Tracker.Result oneAtATime, Long rssMib) {
    }

    record Peer(int concurrency, int peerThreads, PeerSide taskmesh, PeerSide dbScheduler, Double throughputRatio,
            Double startLatencyP50Ratio, Double startLatencyP50RatioUnderLoad) {
    }

    private void peer(Platform platform) throws Exception {
        ServiceMemory.Peak peak = platform.memory.peak();
        PeerSide taskmesh;
        {
            Tracker tracker = new Tracker(Tracker.Counting.BY_EVENT);
            platform.events.follow(tracker);
            Load load = new Load(tracker, options);
            load.probe(platform.throughApi(tracker), "through the API");
            progress("peer, Taskmesh: %d runs in flight, %d s warm-up, %d s measured", options.concurrency(),
                    options.warmup(), options.seconds());
            Tracker.Result underLoad = load.closed(options.concurrency(), platform.throughApi(tracker), peak);
            progress("peer, Taskmesh: %d runs one at a time", options.samples());
            Tracker single = new Tracker(Tracker.Counting.BY_EVENT);
            platform.events.follow(single);
            Tracker.Result oneAtATime = new Load(single, options).oneAtATime(options.samples(), platform.throughApi(single));
            Long rss = peak.highest().values().stream().reduce(Long::sum).orElse(null);
            taskmesh = new PeerSide(underLoad, oneAtATime, rss);
        }
        PeerSide dbScheduler;
        try (DbSchedulerPeer peer = new DbSchedulerPeer(endpoints, options.peerThreads())) {
            Tracker tracker = new Tracker(Tracker.Counting.BY_EVENT);
            peer.follow(tracker);
            Load load = new Load(tracker, options);
            load.probe(peer.starter(), "on db-scheduler");
            progress("peer, db-scheduler: %d runs in flight, %d s warm-up, %d s measured", options.concurrency(),
                    options.warmup(), options.seconds());
            Tracker.Result underLoad = load.closed(options.concurrency(), peer.starter(), Load.Window.NONE);
            Long rss = ServiceMemory.selfMib();
            progress("peer, db-scheduler: %d runs one at a time", options.samples());
            Tracker single = new Tracker(Tracker.Counting.BY_EVENT);
            peer.follow(single);
            Tracker.Result oneAtATime = new Load(single, options).oneAtATime(options.samples(), peer.starter());
            dbScheduler = new PeerSide(underLoad, oneAtATime, rss);
        }
        Peer result = new Peer(options.concurrency(), options.peerThreads(), taskmesh, dbScheduler,
                divide(taskmesh.underLoad().finishedPerSecond(), dbScheduler.underLoad().finishedPerSecond()),
                divide(taskmesh.oneAtATime().toRunning().p50(), dbScheduler.oneAtATime().toRunning().p50()),
                divide(taskmesh.underLoad().toRunning().p50(), dbScheduler.underLoad().toRunning().p50()));
        report.put("peer", result);

        Table table = new Table("Peer: the same one-step no-op job, Taskmesh against db-scheduler "
                + "(same PostgreSQL, same machine)", "", "Taskmesh", "db-scheduler", "Taskmesh / db-scheduler");
        Tracker.Result t = taskmesh.underLoad();
        Tracker.Result d = dbScheduler.underLoad();
        table.row("runs completed/s, " + options.concurrency() + " in flight", t.finishedPerSecond(), d.finishedPerSecond(),
                Table.ratio(t.finishedPerSecond(), d.finishedPerSecond()));
        table.row("  accepted p50 ms (HTTP 202 / row committed)", t.toAccepted().p50(), d.toAccepted().p50(),
                Table.ratio(t.toAccepted().p50(), d.toAccepted().p50()));
        table.row("  start latency p50 ms (to RUNNING / picked)", t.toRunning().p50(), d.toRunning().p50(),
                Table.ratio(t.toRunning().p50(), d.toRunning().p50()));
        table.row("  start latency p99 ms", t.toRunning().p99(), d.toRunning().p99(),
                Table.ratio(t.toRunning().p99(), d.toRunning().p99()));
        table.row("  end-to-end p50 ms", t.toFinished().p50(), d.toFinished().p50(),
                Table.ratio(t.toFinished().p50(), d.toFinished().p50()));
        table.row("  end-to-end p99 ms", t.toFinished().p99(), d.toFinished().p99(),
                Table.ratio(t.toFinished().p99(), d.toFinished().p99()));
        table.row("  failed / refused / lost", t.failed() + " / " + t.refused() + " / " + t.lost(),
                d.failed() + " / " + d.refused() + " / " + d.lost(), "");
        Tracker.Result ts = taskmesh.oneAtATime();
        Tracker.Result ds = dbScheduler.oneAtATime();
        table.row(options.samples() + " runs one at a time: start p50 ms", ts.toRunning().p50(), ds.toRunning().p50(),
                Table.ratio(ts.toRunning().p50(), ds.toRunning().p50()));
        table.row("  start p95 ms", ts.toRunning().p95(), ds.toRunning().p95(), Table.ratio(ts.toRunning().p95(), ds.toRunning().p95()));
        table.row("  start p99 ms", ts.toRunning().p99(), ds.toRunning().p99(), Table.ratio(ts.toRunning().p99(), ds.toRunning().p99()));
        table.row("  end-to-end p50 ms", ts.toFinished().p50(), ds.toFinished().p50(),
                Table.ratio(ts.toFinished().p50(), ds.toFinished().p50()));
        table.row("memory under load (RSS, MiB)", taskmesh.rssMib(), dbScheduler.rssMib(), "");
        table.print(OUT);
        OUT.println("  Taskmesh: the four services; db-scheduler: inside the benchmark's JVM (with its clients), "
                + options.peerThreads() + " executor threads");
    }

    // ------------------------------------------------------------------ latency

    record RatePhase(int perSecond, Tracker.Result result) {
    }

    private void latency(Platform platform) throws Exception {
        List<RatePhase> phases = new ArrayList<>();
        for (int rate : options.rates()) {
            Tracker tracker = new Tracker(Tracker.Counting.BY_SEND);
            platform.events.follow(tracker);
            Load load = new Load(tracker, options);
            if (phases.isEmpty()) {
                load.probe(platform.throughApi(tracker), "through the API");
            }
            progress("latency at %d runs/s: %d s warm-up, %d s measured", rate, options.warmup(), options.seconds());
            phases.add(new RatePhase(rate, load.open(rate, 256, platform.throughApi(tracker), Load.Window.NONE)));
        }
        report.put("latency", phases);
        Table table = new Table("Latency at a fixed rate: " + options.seconds() + " s after " + options.warmup()
                + " s warm-up, from the API call (when it was due) to the run's events",
                "runs/s", "sent", "created/s", "succeeded", "failed", "refused", "not finished",
                "RUNNING p50", "p95", "p99", "max", "SUCCEEDED p50", "p95", "p99", "max");
        for (RatePhase p : phases) {
            Tracker.Result r = p.result();
            table.row(p.perSecond(), r.sent(), r.acceptedPerSecond(), r.succeeded(), r.failed(), r.refused(), r.lost(),
                    r.toRunning().p50(), r.toRunning().p95(), r.toRunning().p99(), r.toRunning().max(),
                    r.toFinished().p50(), r.toFinished().p95(), r.toFinished().p99(), r.toFinished().max());
        }
        table.print(OUT);
        OUT.println("  milliseconds; 'not finished': runs sent in the window without an end within --drain "
                + options.drainSeconds() + " s");
    }

    // ------------------------------------------------------------------ list

    private void list(Platform platform) throws Exception {
        progress("list: %,d runs in the table, %d calls of each list", options.runs(), options.samples());
        RunList.Result result = new RunList(endpoints, platform, line -> progress("%s", line))
                .measure(options.runs(), options.samples());
        report.put("list", result);
        Table table = new Table("Run lists with %,d runs of tenant %s in the table (%,d inserted in %.1f s), %d calls each, one at a time"
                .formatted(result.runsInTable(), platform.tenant, result.inserted(), result.insertSeconds(), options.samples()),
                "list (50 runs a page)", "runs on the page", "p50 ms", "p95 ms", "p99 ms", "max ms");
        for (RunList.Query q : result.queries()) {
            table.row(q.what(), q.items(), q.latency().p50(), q.latency().p95(), q.latency().p99(), q.latency().max());
        }
        table.print(OUT);
        OUT.println("  through the API with a bearer token, from the request to the whole body read");
    }

    // ------------------------------------------------------------------ graph

    private void graph(Platform platform) throws Exception {
        progress("graph: one run of a tree of subtasks (named, then inline) with about %,d leaves", options.nodes());
        RunGraphBench.Result result = new RunGraphBench(platform, line -> progress("%s", line))
                .measure(options.nodes(), java.time.Duration.ofMinutes(60));
        report.put("graph", result);
        Table table = new Table("A run graph of %,d nodes (%s), every node one transform step".formatted(result.nodes(),
                result.shape()), "what", "value");
        table.row("root's status", result.status());
        table.row("from the run's start to the root's end (s)", result.seconds());
        table.row("nodes per second", result.nodesPerSecond());
        table.row("ms per node (wall clock)", result.msPerNode());
        result.cpuMsPerNode().forEach((service, ms) -> table.row("CPU ms per node, " + service, ms));
        table.print(OUT);
        OUT.println("  CPU from /proc of each service's process, before and after the run");
    }

    // ------------------------------------------------------------------ schedules

    private void schedules() throws Exception {
        progress("schedules: %,d cron schedules, each once a minute, for %d minutes", options.schedules(), options.minutes());
        SchedulesBench.Result result = new SchedulesBench(endpoints, line -> progress("%s", line))
                .measure(options.schedules(), options.minutes());
        report.put("schedules", result);
        Table table = new Table("%,d cron schedules, each once a minute (%,d fire times a second), %d minutes measured"
                .formatted(result.schedules(), result.schedules() / 60, result.minutes()), "what", "value");
        table.row("fire times due", result.fireTimesDue());
        table.row("fired (a run stored)", result.fired());
        table.row("missing (not fired within 60 s of the window's end)", result.missing());
        table.row("fire lag to the run stored, p50 / p99 / max (ms)", result.lagToRun().p50() + " / "
                + result.lagToRun().p99() + " / " + result.lagToRun().max());
        table.row("QUEUED events seen", result.eventsSeen());
        table.row("fire lag to the QUEUED event, p50 / p99 / max (ms)", result.lagToEvent().p50() + " / "
                + result.lagToEvent().p99() + " / " + result.lagToEvent().max());
        table.row("task-scheduler CPU (cores busy)", result.schedulerCpuCores());
        table.print(OUT);
        OUT.println("  runs wait QUEUED for a pool nobody serves: only the scheduler (and the API's projection) works");
    }

    // ------------------------------------------------------------------ deliveries

    private void deliveries() throws Exception {
        DeliveriesBench bench = new DeliveriesBench(endpoints, line -> progress("%s", line));
        java.time.Duration drain = java.time.Duration.ofSeconds(options.drainSeconds());
        List<DeliveriesBench.Result> results = new ArrayList<>();
        progress("deliveries: %,d run events at %d/s, then %,d as fast as they go", options.events(),
                options.deliveryRate(), options.events());
        int warmupEvents = options.warmup() * options.deliveryRate();
        if (warmupEvents > 0) {
            // a service just started compiles its delivery path for its first seconds, sending a third as many a second
            progress("warming up: %d s at %d/s, not measured", options.warmup(), options.deliveryRate());
            bench.measure(warmupEvents, options.deliveryRate(), drain);
        }
        results.add(bench.measure(options.events(), options.deliveryRate(), drain));
        results.add(bench.measure(options.events(), 0, drain));
        report.put("deliveries", results);
        Table table = new Table("Webhook deliveries to a receiver on this machine (one subscription), after "
                + options.warmup() + " s warm-up", "events published",
                "delivered", "duplicates", "deliveries/s", "p50 ms", "p95 ms", "p99 ms", "max ms");
        for (DeliveriesBench.Result r : results) {
            table.row(String.format("%,d %s", r.events(), r.rate() > 0 ? "at " + r.rate() + "/s" : "at once"),
                    r.delivered(), r.duplicates(), r.deliveriesPerSecond(), r.eventToDelivery().p50(),
                    r.eventToDelivery().p95(), r.eventToDelivery().p99(), r.eventToDelivery().max());
        }
        table.print(OUT);
        OUT.println("  latency from the event's publication to its webhook received; signed, recorded, sent at least once");
    }

    // ------------------------------------------------------------------ plumbing

    private Path write() throws IOException {
        Path dir = endpoints.state().resolve("bench");
        Files.createDirectories(dir);
        Path file = dir.resolve(options.scenario() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        return file;
    }

    private static Double share(double part, double whole) {
        return whole > 0 ? Math.round(10_000 * part / whole) / 100.0 : null;
    }

    private static Double divide(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : Math.round(100 * a / b) / 100.0;
    }

    private static void progress(String format, Object... args) {
        PROGRESS.printf("  " + format + " ...%n", args);
    }
}
