package io.taskmesh.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scenario to run and its flags. Every duration and rate is a flag, so that a short run on a busy
 * machine ({@code --seconds 10 --warmup 3}) is the same benchmark as the long one.
 */
record Options(
        String scenario,
        int seconds,
        int warmup,
        List<Integer> rates,
        int concurrency,
        int limitSeconds,
        int connections,
        List<String> via,
        int drainSeconds,
        int runTimeoutSeconds,
        int samples,
        int peerThreads,
        int runs,
        int nodes,
        int schedules,
        int minutes,
        int events,
        int deliveryRate,
        String user,
        @JsonIgnore String password) {

    static final List<String> SCENARIOS = List.of("limits", "throughput", "peer", "latency", "list", "graph", "schedules", "deliveries", "all");

    static final String USAGE = """
            usage: bin/taskmesh bench [limits|throughput|peer|latency|list|graph|schedules|deliveries|all] [flags]

              with no scenario: every one in turn (all, graph, list, schedules, deliveries), each on the
              components it measures, the flags given to each

              limits      what this machine can do at most: PostgreSQL commits/s (one small insert per
                          transaction, JDBC) and Kafka records/s produced with acks=all
              throughput  one-step transform runs started as fast as they complete, through the API and
                          through Kafka run commands; runs/s, end-to-end latency, memory of each service,
                          and the runs/s as a share of the limits (measured first, in the same run)
              peer        the same no-op job on db-scheduler, same PostgreSQL, same machine: side by side
              latency     runs started at fixed rates: trigger to RUNNING and to SUCCEEDED
              list        run lists with --runs runs in the table: latency of each list through the API
              graph       one run of a task whose inline subtasks make a tree of about --nodes runs: time to
                          the root's end, nodes/s, and CPU per node of each service
              schedules   --schedules cron schedules firing once a minute each, for --minutes minutes:
                          fire lag p50/p99 (to the run stored, to its QUEUED event) and the scheduler's CPU
              deliveries  --events run events to one webhook subscription, at --delivery-rate then as fast as
                          they go, after --warmup seconds at --delivery-rate: deliveries/s and
                          event-to-delivery latency
              all         limits, throughput, peer and latency, in that order

            flags (defaults in brackets):
              --seconds N         measured time of each phase [60]
              --warmup N          time before each measured phase [10]
              --rate R[,R...]     runs/s of the latency scenario [100,500]
              --concurrency N     runs in flight in throughput and peer [32]
              --via api,kafka     how throughput starts runs [api,kafka]
              --limit-seconds N   measured time of each limit [10]
              --connections N     JDBC connections of the PostgreSQL limit (also measured with 1) [8]
              --peer-threads N    db-scheduler's executor threads [8, as the executor's concurrency]
              --samples N         runs started one at a time for the peer's unloaded start latency, and
                                  calls of each list in list [50]
              --runs N            runs in the table for list (inserted for it, deleted after) [1000000]
              --nodes N           leaves of the graph scenario's tree (50 x 50 x N/2500 under the root) [10000]
              --schedules N       cron schedules of the schedules scenario [100000]
              --minutes N         measured minutes of the schedules scenario [3]
              --events N          run events of each deliveries phase [5000]
              --delivery-rate R   events/s of the first deliveries phase [100]
              --drain N           seconds to wait for runs still in flight after a phase [30]
              --run-timeout N     seconds after which a run that did not finish counts as lost [60]
              --user U            Keycloak user that starts the runs [alice]
              --password P        its password [the user name]

            Results: a table on stdout and JSON under .taskmesh/bench/.""";

    static Options parse(String... args) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            throw new UsageException(null);
        }
        String scenario = args[0];
        if (!SCENARIOS.contains(scenario)) {
            throw new UsageException("unknown scenario '" + scenario + "'");
        }
        int seconds = 60;
        int warmup = 10;
        List<Integer> rates = List.of(100, 500);
        int concurrency = 32;
        int limitSeconds = 10;
        int connections = 8;
        List<String> via = List.of("api", "kafka");
        int drain = 30;
        int runTimeout = 60;
        int samples = 50;
        int peerThreads = 8;
        int runs = 1_000_000;
        int nodes = 10_000;
        int schedules = 100_000;
        int minutes = 3;
        int events = 5000;
        int deliveryRate = 100;
        String user = "alice";
        String password = null;
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            String value;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--seconds" -> seconds = positive(flag, value);
                case "--warmup" -> warmup = atLeastZero(flag, value);
                case "--rate" -> rates = rates(value);
                case "--concurrency" -> concurrency = positive(flag, value);
                case "--limit-seconds" -> limitSeconds = positive(flag, value);
                case "--connections" -> connections = positive(flag, value);
                case "--via" -> via = via(value);
                case "--drain" -> drain = atLeastZero(flag, value);
                case "--run-timeout" -> runTimeout = positive(flag, value);
                case "--samples" -> samples = atLeastZero(flag, value);
                case "--peer-threads" -> peerThreads = positive(flag, value);
                case "--runs" -> runs = positive(flag, value);
                case "--nodes" -> nodes = positive(flag, value);
                case "--schedules" -> schedules = positive(flag, value);
                case "--minutes" -> minutes = positive(flag, value);
                case "--events" -> events = positive(flag, value);
                case "--delivery-rate" -> deliveryRate = positive(flag, value);
                case "--user" -> user = value;
                case "--password" -> password = value;
                default -> throw new UsageException("unknown flag '" + flag + "'");
            }
        }
        return new Options(scenario, seconds, warmup, rates, concurrency, limitSeconds, connections, via, drain,
                runTimeout, samples, peerThreads, runs, nodes, schedules, minutes, events, deliveryRate, user, password == null ? user : password);
    }

    private static int positive(String flag, String value) {
        int n = number(flag, value);
        if (n < 1) {
            throw new UsageException(flag + " must be at least 1, not " + value);
        }
        return n;
    }

    private static int atLeastZero(String flag, String value) {
        int n = number(flag, value);
        if (n < 0) {
            throw new UsageException(flag + " must not be negative, not " + value);
        }
        return n;
    }

    private static int number(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " takes a whole number, not '" + value + "'");
        }
    }

    private static List<Integer> rates(String value) {
        List<Integer> rates = new ArrayList<>();
        for (String part : value.split(",")) {
            rates.add(positive("--rate", part));
        }
        return List.copyOf(rates);
    }

    private static List<String> via(String value) {
        List<String> via = Arrays.stream(value.split(",")).map(String::trim).distinct().toList();
        for (String v : via) {
            if (!v.equals("api") && !v.equals("kafka")) {
                throw new UsageException("--via takes api, kafka or both (api,kafka), not '" + v + "'");
            }
        }
        return via;
    }

    /** A command line that cannot be run: the message says why, the usage says how. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
