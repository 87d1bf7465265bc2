package io.taskmesh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resident memory (VmRSS in /proc) of the four services, found by the PID files bin/taskmesh keeps in
 * {@code .taskmesh/pids}. A service started otherwise has no PID file and no figure.
 */
final class ServiceMemory {

    static final List<String> SERVICES = List.of("task-api", "task-scheduler", "task-executor", "notification-service");

    private final Path pids;

    ServiceMemory(Path state) {
        this.pids = state.resolve("pids");
    }

    /** MiB per service now; a service without a PID file or process is left out. */
    Map<String, Long> sample() {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (String service : SERVICES) {
            Long kib = residentKib(pidOf(service));
            if (kib != null) {
                rss.put(service, kib / 1024);
            }
        }
        return rss;
    }

    /** The benchmark's own JVM (the peer runs in it). */
    static Long selfMib() {
        Long kib = residentKib("self");
        return kib == null ? null : kib / 1024;
    }

    /** Samples every half second while a phase is measured and keeps each service's highest figure. */
    Peak peak() {
        return new Peak();
    }

    /** CPU seconds (user + system) the service's process has used since it started; null when unknown. */
    Double cpuSeconds(String service) {
        String pid = pidOf(service);
        if (pid == null) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks (100 a second)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String pidOf(String service) {
        try {
            return Files.readString(pids.resolve(service + ".pid")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static Long residentKib(String pid) {
        if (pid == null) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not a Linux /proc: no figure
        }
        return null;
    }

    final class Peak implements Load.Window {
        private final Map<String, Long> highest = new ConcurrentHashMap<>();
        private volatile Thread sampler;

        @Override
        public void measuring(boolean on) {
            if (on && sampler == null) {
                sampler = Thread.ofVirtual().start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        sample().forEach((service, mib) -> highest.merge(service, mib, Math::max));
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            } else if (!on && sampler != null) {
                sampler.interrupt();
                sampler = null;
            }
        }

        Map<String, Long> highest() {
            Map<String, Long> ordered = new LinkedHashMap<>();
            for (String service : SERVICES) {
                if (highest.containsKey(service)) {
                    ordered.put(service, highest.get(service));
                }
            }
            return ordered;
        }
    }
}
