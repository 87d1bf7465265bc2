package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tools the checks need: kubectl (its built-in kustomize) and promtool. bin/taskmesh test
 * installs them when it can; here a missing one fails with what to install, never silently skips.
 */
final class Tools {

    record Result(int exitCode, String output) {
    }

    private Tools() {
    }

    static Result run(Path directory, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 120 s");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail(command.getFirst() + " is not installed (" + e.getMessage() + "). " + installHint(command.getFirst()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the command and fails the test, with its output, when it does not succeed. */
    static String succeed(Path directory, List<String> command) {
        Result result = run(directory, command);
        if (result.exitCode() != 0) {
            fail(String.join(" ", command) + " failed with exit code " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    static String installHint(String tool) {
        return switch (tool) {
            case "kubectl" -> "Install kubectl 1.27 or newer (kustomize v5 built in): bin/taskmesh test does it as root "
                    + "with 'apt-get install kubectl' where a repository offers it; otherwise see "
                    + "https://kubernetes.io/docs/tasks/tools/";
            case "promtool" -> "Install promtool: 'apt-get install prometheus' on Debian/Ubuntu (bin/taskmesh test does it "
                    + "as root), or take it from a Prometheus release.";
            default -> "Install " + tool + ".";
        };
    }
}
