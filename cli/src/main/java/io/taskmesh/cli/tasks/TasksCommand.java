package io.taskmesh.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.Query;
import io.taskmesh.cli.output.Json;
import io.taskmesh.cli.output.Table;
import io.taskmesh.cli.output.Text;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "tasks", description = "Task definitions: apply them from files, list, show, and change their state.",
        subcommands = {ApplyCommand.class, TasksCommand.ListTasks.class, TasksCommand.Get.class, TasksCommand.Versions.class,
                TasksCommand.Deactivate.class, TasksCommand.Activate.class, TasksCommand.Archive.class})
public final class TasksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a tasks command is missing");
    }

    static String path(String name) {
        return "/api/v1/tasks/" + Query.encode(name);
    }

    static String state(JsonNode task) {
        return task.path("state").asText("-").toLowerCase(Locale.ROOT);
    }

    @Command(name = "list", sortOptions = false, description = "Tasks by name (archived ones only with --state archived).")
    static final class ListTasks implements Callable<Integer> {

        private final Context context;

        @Option(names = "--state", paramLabel = "<state>", description = "active, inactive or archived")
        String state;

        @Option(names = "--label", paramLabel = "<key=value>", description = "only tasks with this label (repeatable)")
        java.util.List<String> labels;

        @Option(names = {"-q", "--query"}, paramLabel = "<text>", description = "text in the name, title or objective")
        String text;

        @Option(names = "--limit", paramLabel = "<n>", description = "tasks per page (default 50, at most 500)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "<cursor>", description = "the page after the one that gave this cursor")
        String cursor;

        ListTasks(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode page = context.api().get("/api/v1/tasks", Query.of().add("state", state).addAll("label", labels)
                    .add("q", text).add("limit", limit).add("cursor", cursor));
            context.output().print(page, out -> {
                Table table = Table.of("NAME", "VERSION", "STATE", "TITLE", "UPDATED");
                for (JsonNode task : page.path("items")) {
                    table.row(task.path("name").asText(), task.path("version").asText(), state(task),
                            Text.of(task.path("title")), Text.time(task.path("updatedAt")));
                }
                if (table.isEmpty()) {
                    out.println("No tasks.");
                } else {
                    table.print(out);
                }
                nextPage(out, page);
            });
            return ExitCode.OK;
        }
    }

    static void nextPage(PrintWriter out, JsonNode page) {
        if (page.hasNonNull("nextCursor")) {
            out.println("More: add --cursor " + page.get("nextCursor").asText());
        }
    }

    @Command(name = "get", description = "A task: its state, current version, triggers and definition.")
    static final class Get implements Callable<Integer> {

        private final Context context;

        @Parameters(paramLabel = "<task>", description = "the task's name")
        String name;

        @Option(names = "--version", paramLabel = "<n>", description = "this version instead of the current one")
        Integer version;

        Get(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode task = context.api().get(path(name) + (version == null ? "" : "/versions/" + version));
            context.output().print(task, out -> describe(out, task));
            return ExitCode.OK;
        }

        static void describe(PrintWriter out, JsonNode task) {
            out.println("Name:        " + task.path("name").asText());
            if (task.hasNonNull("title")) {
                out.println("Title:       " + task.path("title").asText());
            }
            out.println("State:       " + state(task));
            out.println("Version:     " + task.path("version").asText());
            out.println("Created:     " + Text.time(task.path("createdAt")) + " by " + Text.of(task.path("createdBy")));
            out.println("Updated:     " + Text.time(task.path("updatedAt")));
            JsonNode triggers = task.path("triggers");
            if (!triggers.isEmpty()) {
                out.println("Triggers:");
                for (JsonNode trigger : triggers) {
                    out.println("  " + trigger.path("name").asText() + " (" + trigger.path("type").asText() + "), next: "
                            + (trigger.hasNonNull("nextFireAt") ? Text.time(trigger.get("nextFireAt")) : "-"));
                }
            }
            out.println("Definition:");
            Json.yaml(task.path("definition")).lines().forEach(line -> out.println("  " + line));
        }
    }

    @Command(name = "versions", description = "Every version of a task, newest first.")
    static final class Versions implements Callable<Integer> {

        private final Context context;

        @Parameters(paramLabel = "<task>", description = "the task's name")
        String name;

        Versions(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode versions = context.api().get(path(name) + "/versions");
            context.output().print(versions, out -> {
                Table table = Table.of("VERSION", "CREATED", "BY");
                for (JsonNode v : versions) {
                    table.row(v.path("version").asText(), Text.time(v.path("createdAt")), Text.of(v.path("createdBy")));
                }
                table.print(out);
            });
            return ExitCode.OK;
        }
    }

    /** deactivate, activate, archive: one POST, the task as it is afterwards. */
    abstract static class StateChange implements Callable<Integer> {

        private final Context context;
        private final String verb;

        @Parameters(paramLabel = "<task>", description = "the task's name")
        String name;

        StateChange(Context context, String verb) {
            this.context = context;
            this.verb = verb;
        }

        @Override
        public Integer call() {
            JsonNode task = context.api().post(path(name) + "/" + verb, null);
            context.output().print(task, out ->
                    out.println(task.path("name").asText() + ": " + state(task) + ", version " + task.path("version").asText()));
            return ExitCode.OK;
        }
    }

    @Command(name = "deactivate", description = "Take no new runs; the task's triggers pause.")
    static final class Deactivate extends StateChange {
        Deactivate(Context context) {
            super(context, "deactivate");
        }
    }

    @Command(name = "activate", description = "Take runs again; the task's triggers resume.")
    static final class Activate extends StateChange {
        Activate(Context context) {
            super(context, "activate");
        }
    }

    @Command(name = "archive", description = "Read-only for good, and left out of default lists.")
    static final class Archive extends StateChange {
        Archive(Context context) {
            super(context, "archive");
        }
    }
}
