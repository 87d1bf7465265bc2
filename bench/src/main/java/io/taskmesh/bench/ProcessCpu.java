package io.taskmesh.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time each process of the platform used while a phase was measured: the four services, Kafka and
 * PostgreSQL (its postmaster and every backend it forked), from {@code /proc}, by the PID files bin/taskmesh
 * keeps in {@code .taskmesh/pids} (PostgreSQL's in its data directory). Divided by the runs that finished meanwhile, it says what one run costs each.
 */
final class ProcessCpu implements Load.Window {

    static final List<String> PROCESSES = List.of("task-api", "task-scheduler", "task-executor", "notification-service",
            "kafka", "postgres");
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path pids;
    private final Path postmaster;
    private Map<String, Double> atStart = Map.of();
    private final Map<String, Double> used = new LinkedHashMap<>();

    ProcessCpu(Path state) {
        this.pids = state.resolve("pids");
        this.postmaster = state.resolve("data/postgres/postmaster.pid");
    }

    @Override
    public void measuring(boolean on) {
        if (on) {
            atStart = sample();
        } else {
            Map<String, Double> atEnd = sample();
            used.clear();
            atStart.forEach((process, seconds) -> {
                Double end = atEnd.get(process);
                if (end != null) {
                    used.put(process, end - seconds);
                }
            });
        }
    }

    /** Milliseconds of CPU each process spent per run, in the order of {@link #PROCESSES}. */
    Map<String, Double> perRun(long runs) {
        Map<String, Double> perRun = new LinkedHashMap<>();
        for (String process : PROCESSES) {
            Double seconds = used.get(process);
            if (seconds != null && runs > 0) {
                perRun.put(process, Math.round(seconds * 1_000_000 / runs) / 1000.0);
            }
        }
        return perRun;
    }

    private Map<String, Double> sample() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String process : PROCESSES) {
            Long ticks = ticks(process);
            if (ticks != null) {
                seconds.put(process, ticks / TICKS_PER_SECOND);
            }
        }
        return seconds;
    }

    private Long ticks(String process) {
        String pid;
        try {
            // PostgreSQL's postmaster runs on its own (the PID file is its launcher's): its data directory names it
            pid = process.equals("postgres") ? Files.readAllLines(postmaster).get(0).trim()
                    : Files.readString(pids.resolve(process + ".pid")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        long[] own = stat(Path.of("/proc", pid, "stat"));
        if (own == null) {
            return null;
        }
        // utime + stime, and what its children that ended used (cutime + cstime)
        long total = own[1] + own[2] + own[3] + own[4];
        if (process.equals("postgres")) {
            // the backends and background workers running now
            try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path dir : all) {
                    long[] child = stat(dir.resolve("stat"));
                    if (child != null && String.valueOf(child[0]).equals(pid)) {
                        total += child[1] + child[2];
                    }
                }
            } catch (IOException e) {
                return null;
            }
        }
        return total;
    }

    /** ppid, utime, stime, cutime, cstime of a process; null when it is gone. */
    private static long[] stat(Path file) {
        try {
            String stat = Files.readString(file);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state, ppid (1), …, utime (11), stime (12), cutime (13), cstime (14)
            return new long[] { Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    Long.parseLong(f[13]), Long.parseLong(f[14]) };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
