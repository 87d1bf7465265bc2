package io.taskmesh.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns aligned with two spaces between them, headers in capitals, like the tools people know. */
public final class Table {

    private static final int MAX_WIDTH = 60;

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    private Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    public static Table of(String... headers) {
        return new Table(headers);
    }

    public Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + Arrays.toString(cells));
        }
        String[] clipped = new String[columns];
        for (int i = 0; i < columns; i++) {
            String cell = cells[i] == null || cells[i].isEmpty() ? "-" : cells[i].replace('\n', ' ');
            clipped[i] = cell.length() > MAX_WIDTH ? cell.substring(0, MAX_WIDTH - 1) + "…" : cell;
        }
        rows.add(clipped);
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
