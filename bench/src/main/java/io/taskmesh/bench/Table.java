package io.taskmesh.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: the first column left-aligned, figures right-aligned. */
final class Table {

    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title, String... header) {
        this.title = title;
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = text(cells[i]);
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        out.println();
        out.println(title);
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                String format = i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s";
                line.append(String.format(format, row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static String text(Object value) {
        return switch (value) {
            case null -> "-";
            case Double d when d.isNaN() || d.isInfinite() -> "-";
            case Double d when Math.abs(d) >= 100 -> String.format(Locale.ROOT, "%,.0f", d);
            case Double d -> String.format(Locale.ROOT, "%.1f", d);
            case Long l -> String.format(Locale.ROOT, "%,d", l);
            case Integer i -> String.format(Locale.ROOT, "%,d", i);
            default -> value.toString();
        };
    }

    /** {@code part} as a percentage of {@code whole}, with two significant decimals for small shares. */
    static String percent(double part, double whole) {
        if (whole <= 0 || Double.isNaN(part)) {
            return "-";
        }
        double p = 100 * part / whole;
        return String.format(Locale.ROOT, p < 10 ? "%.2f %%" : "%.1f %%", p);
    }

    /** {@code a / b} as "2.3x". */
    static String ratio(Double a, Double b) {
        if (a == null || b == null || b == 0 || a.isNaN() || b.isNaN()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
