package io.taskmesh.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Prints what a command answers: as the API's JSON or YAML for scripts, or in the command's readable form. */
public final class Output {

    private final PrintWriter out;
    private final Format format;

    public Output(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    /** JSON or YAML: what goes to standard output is only the data, so scripts can parse it. */
    public boolean structured() {
        return format != Format.table;
    }

    public void print(JsonNode data, Consumer<PrintWriter> readable) {
        switch (format) {
            case json -> out.println(Json.pretty(data));
            case yaml -> out.print(Json.yaml(data));
            case table -> readable.accept(out);
        }
        out.flush();
    }

    public PrintWriter writer() {
        return out;
    }
}
