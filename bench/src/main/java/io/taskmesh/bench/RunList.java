package io.taskmesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * How fast the run lists answer with many runs in the table: the tenant's runs are filled up to
 * {@code --runs} finished runs of the benchmark's task (inserted straight into task-api's read model, one
 * per second of the past, as if projected from their events), then each list a user or the console asks
 * for is called {@code --samples} times, one call at a time, through the API. The runs it inserted are
 * deleted afterwards, so the tenant's lists are as they were.
 */
final class RunList {

    /** The requester of every run this scenario inserts: how they are found again and deleted. */
    static final String REQUESTED_BY = "bench-list";
    private static final int CHUNK = 100_000;
    private static final String[] STATUSES = {"SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED",
            "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "VALIDATED"};

    record Query(String what, String path, int items, Latency latency) {
    }

    record Result(long runsInTable, long inserted, double insertSeconds, List<Query> queries) {
    }

    private final Endpoints endpoints;
    private final Platform platform;
    private final Consumer<String> progress;

    RunList(Endpoints endpoints, Platform platform, Consumer<String> progress) {
        this.endpoints = endpoints;
        this.platform = platform;
        this.progress = progress;
    }

    Result measure(int runs, int samples) throws SQLException {
        try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword())) {
            UUID task = taskId(db);
            long started = System.nanoTime();
            long inserted = fill(db, task, runs);
            double insertSeconds = (System.nanoTime() - started) / 1e9;
            try {
                long inTable = count(db);
                Instant middle = Instant.now().minusSeconds(runs / 2);
                List<Query> queries = new ArrayList<>();
                queries.add(time("newest 50 of the tenant", "/api/v1/runs?limit=50", samples));
                queries.add(time("one status (FAILED)", "/api/v1/runs?status=FAILED&limit=50", samples));
                queries.add(time("predicate is=failed (FAILED, TIMED_OUT, CANCELLED)", "/api/v1/runs?is=failed&limit=50",
                        samples));
                queries.add(time("a status no run has (AWAITING_INPUT)", "/api/v1/runs?status=AWAITING_INPUT&limit=50",
                        samples));
                queries.add(time("one task", "/api/v1/tasks/" + TaskmeshApi.TASK + "/runs?limit=50", samples));
                queries.add(time("one hour, " + runs / 2 / 3600 + " h ago", "/api/v1/runs?limit=50&from="
                        + middle.minusSeconds(3600) + "&to=" + middle, samples));
                queries.add(time("a page " + runs / 2 + " runs deep (cursor)", "/api/v1/runs?limit=50&cursor="
                        + cursorAt(db, runs / 2), samples));
                return new Result(inTable, inserted, Math.round(insertSeconds * 10) / 10.0, queries);
            } finally {
                progress.accept("deleting the runs the scenario inserted");
                try (PreparedStatement delete = db.prepareStatement("DELETE FROM task_api.run WHERE requested_by = ?")) {
                    delete.setString(1, REQUESTED_BY);
                    delete.executeUpdate();
                }
            }
        }
    }

    private UUID taskId(Connection db) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT id FROM task_api.task WHERE tenant = ? AND name = ?")) {
            query.setString(1, platform.tenant);
            query.setString(2, TaskmeshApi.TASK);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("task " + TaskmeshApi.TASK + " of tenant " + platform.tenant
                            + " is not in task_api.task at " + endpoints.jdbcUrl() + ": is the API using this database?");
                }
                return rows.getObject(1, UUID.class);
            }
        }
    }

    /** Inserts finished runs, newest first one second apart, in chunks of {@value #CHUNK} per transaction. */
    private long fill(Connection db, UUID task, int runs) throws SQLException {
        String sql = """
                INSERT INTO task_api.run (id, tenant, task_id, task_name, task_version, status, seq, attempt, inputs,
                    result, requested_by, created_at, updated_at, started_at, finished_at)
                SELECT gen_random_uuid(), ?, ?, ?, 1, (?::text[])[1 + i % 10], 3, 1, '{}', '1', ?,
                    now() - make_interval(secs => i), now() - make_interval(secs => i),
                    now() - make_interval(secs => i), now() - make_interval(secs => i)
                FROM generate_series(?, ?) AS i""";
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            for (int from = 1; from <= runs; from += CHUNK) {
                int to = Math.min(runs, from + CHUNK - 1);
                progress.accept("inserting runs " + from + " to " + to + " of " + runs);
                insert.setString(1, platform.tenant);
                insert.setObject(2, task);
                insert.setString(3, TaskmeshApi.TASK);
                insert.setArray(4, db.createArrayOf("text", STATUSES));
                insert.setString(5, REQUESTED_BY);
                insert.setInt(6, from);
                insert.setInt(7, to);
                insert.executeUpdate();
                db.commit();
            }
        } finally {
            db.setAutoCommit(true);
        }
        try (Statement analyze = db.createStatement()) {
            analyze.execute("ANALYZE task_api.run");
        }
        return runs;
    }

    private long count(Connection db) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT count(*) FROM task_api.run WHERE tenant = ?")) {
            query.setString(1, platform.tenant);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The cursor the API gives out for the page that ends at the run {@code offset} runs from the newest. */
    private String cursorAt(Connection db, int offset) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT created_at, id FROM task_api.run WHERE tenant = ? "
                + "ORDER BY created_at DESC, id DESC OFFSET ? LIMIT 1")) {
            query.setString(1, platform.tenant);
            query.setInt(2, offset);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                Instant at = rows.getTimestamp(1).toInstant();
                String id = rows.getString(2);
                return Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private Query time(String what, String path, int samples) {
        progress.accept("list: " + what);
        Histogram micros = new Histogram(3);
        int items = 0;
        platform.api.get(path); // the first call of each list is not counted: plans and connections warm up
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            JsonNode page = platform.api.get(path);
            micros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
            items = page.path("items").size();
        }
        return new Query(what, path, items, Latency.of(micros));
    }
}
