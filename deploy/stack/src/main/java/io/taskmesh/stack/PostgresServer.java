package io.taskmesh.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL server (zonky's embedded binaries from Maven Central) for the local stack. Keeps its
 * data between starts, creates the databases the stack uses, writes where it listens to an env file and
 * runs until the process is stopped, stopping PostgreSQL with it.
 *
 * <p>Usage: {@code PostgresServer <data-dir> <port|0> <env-file> <database>...}
 */
public final class PostgresServer {

    private PostgresServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PostgresServer <data-dir> <port|0> <env-file> <database>...");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path envFile = Path.of(args[2]);
        List<String> databases = List.of(args).subList(3, args.length);

        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "128MB")
                // the queue tables (outbox, time triggers) ask to be vacuumed every few thousand dead rows: looked
                // at every 10 s rather than every minute
                .setServerConfig("autovacuum_naptime", "10s")
                .setServerConfig("fsync", "on")
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }, "postgres-stop"));

        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String db : databases) {
                createDatabase(s, db);
            }
        }
        writeEnv(envFile, postgres.getPort());
        System.out.println("PostgreSQL ready on 127.0.0.1:" + postgres.getPort() + " databases " + databases);
        stopped.await();
    }

    static void createDatabase(Statement s, String db) throws SQLException {
        if (!db.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + db);
        }
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
            if (rs.next()) {
                return;
            }
        }
        s.execute("CREATE DATABASE " + db);
    }

    private static void writeEnv(Path envFile, int port) throws IOException {
        Path tmp = envFile.resolveSibling(envFile.getFileName() + ".tmp");
        Files.writeString(tmp, "TASKMESH_DB_HOST=127.0.0.1\nTASKMESH_DB_PORT=" + port
                + "\nTASKMESH_DB_USER=postgres\nTASKMESH_DB_PASSWORD=postgres\n");
        Files.move(tmp, envFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
