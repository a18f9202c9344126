package io.chronon.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the results of a run: prints each bench's row as it completes, appends each
 * system's JSON line to {@code <dir>/<system>-<date>.jsonl}, shouts every mismatch, and at
 * the end prints the table and appends it as Markdown to {@code <dir>/summary-<date>.md}.
 */
final class Report {
    /** One bench on one data set: each system's result and every problem the checks found. */
    static final class Row {
        final String dataset;
        final String bench;
        final Long expectedSize;
        final Map<String, BenchResult> bySystem = new LinkedHashMap<>();
        /** Disagreements with the reference or between the systems. */
        final List<String> problems = new ArrayList<>();
        /** Systems that could not run the bench. */
        final List<String> errors = new ArrayList<>();

        /** "ok", "MISMATCH" or "ERROR" (a mismatch outranks an error). */
        String status() {
            return !problems.isEmpty() ? "MISMATCH" : !errors.isEmpty() ? "ERROR" : "ok";
        }

        Row(String dataset, String bench, Long expectedSize) {
            this.dataset = dataset;
            this.bench = bench;
            this.expectedSize = expectedSize;
        }
    }

    private final Path dir;
    private final PrintStream out;
    private final String date = LocalDate.now().toString();
    private final String started = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19);
    private final List<Row> rows = new ArrayList<>();
    private long lastRowNs = System.nanoTime();
    private final List<String> mismatches = new ArrayList<>();
    private final List<String> header;
    private final List<String> systemLabels;

    /**
     * @param dir     where results go, or null to write nothing (the smoke test)
     * @param header  lines describing the run (machine, flags, data), printed and written first
     * @param systems the labels of the systems, in table order
     */
    Report(Path dir, PrintStream out, List<String> header, List<String> systems) {
        this.dir = dir;
        this.out = out;
        this.header = header;
        this.systemLabels = systems;
        if (dir != null) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        header.forEach(out::println);
        out.println();
    }

    List<Row> rows() {
        return rows;
    }

    List<String> mismatches() {
        return mismatches;
    }

    /** Records a finished row: writes its JSON lines, prints it, and shouts its problems. */
    void add(Row row) {
        rows.add(row);
        for (Map.Entry<String, BenchResult> e : row.bySystem.entrySet()) {
            appendJson(e.getKey(), e.getValue());
        }
        long now = System.nanoTime();
        out.println(formatLine(row) + String.format(Locale.ROOT, "  [%.1fs]", (now - lastRowNs) / 1e9));
        lastRowNs = now;
        for (String p : row.problems) {
            String m = row.dataset + "/" + row.bench + ": " + p;
            mismatches.add("MISMATCH " + m);
            out.println("!!! MISMATCH " + m);
        }
        for (String p : row.errors) {
            String m = row.dataset + "/" + row.bench + ": " + p;
            mismatches.add("ERROR " + m);
            out.println("!!! ERROR " + m);
        }
        out.flush();
    }

    /** A problem that belongs to no bench row (a data set that could not be prepared). */
    void problem(String text) {
        mismatches.add("ERROR " + text);
        out.println("!!! " + text);
    }

    private void appendJson(String label, BenchResult r) {
        if (dir == null) {
            return;
        }
        Path file = dir.resolve(label.toLowerCase(Locale.ROOT) + "-" + date + ".jsonl");
        try {
            Files.writeString(file, r.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String formatLine(Row row) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-40s", row.dataset + "/" + row.bench));
        for (String label : orderForTable()) {
            BenchResult r = row.bySystem.get(label);
            sb.append(String.format(Locale.ROOT, " | %s %10s p99 %10s", label.substring(0, 1),
                    r == null ? "-" : r.ok() ? time(r.medianUs()) : "ERROR", r == null || !r.ok() ? "-" : time(r.p99Us())));
        }
        sb.append(" | ").append(ratio(row)).append(" | ").append(sizeCell(row));
        return sb.toString();
    }

    /** Chronon first, then Datomic, as the table columns go. */
    private List<String> orderForTable() {
        List<String> order = new ArrayList<>();
        if (systemLabels.contains("Chronon")) {
            order.add("Chronon");
        }
        for (String l : systemLabels) {
            if (!order.contains(l)) {
                order.add(l);
            }
        }
        return order;
    }

    private static String ratio(Row row) {
        BenchResult c = row.bySystem.get("Chronon");
        BenchResult d = row.bySystem.get("Datomic");
        if (c == null || d == null || !c.ok() || !d.ok() || d.medianUs() <= 0) {
            return "-";
        }
        double r = c.medianUs() / d.medianUs();
        // two significant digits even for small ratios: 0.0041 must not print as 0.00
        String fmt = r >= 10 ? "%.0f" : r >= 0.1 ? "%.2f" : r >= 0.01 ? "%.3f" : "%.4f";
        return String.format(Locale.ROOT, fmt, r);
    }

    private static String sizeCell(Row row) {
        List<String> sizes = new ArrayList<>();
        for (BenchResult r : row.bySystem.values()) {
            if (r.ok()) {
                sizes.add(Long.toString(r.resultSize()));
            }
        }
        String s = sizes.stream().distinct().count() == 1 ? sizes.get(0) : String.join("/", sizes);
        if (row.expectedSize != null) {
            s += " (ref " + row.expectedSize + ")";
        }
        return s + " " + row.status();
    }

    /** Formats microseconds with a unit that keeps 3 significant digits readable. */
    static String time(double us) {
        if (Double.isNaN(us)) {
            return "-";
        }
        if (us < 1_000) {
            return String.format(Locale.ROOT, "%.1f us", us);
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", us / 1e6);
    }

    /** Prints the whole table and the mismatches, and writes the Markdown summary. */
    void finish() {
        String md = markdown();
        out.println();
        out.println(md);
        if (dir != null) {
            Path file = dir.resolve("summary-" + date + ".md");
            try {
                // appended like the JSON lines, so a day's runs all stay readable
                Files.writeString(file, md + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println("wrote " + file + " and " + dir + "/<system>-" + date + ".jsonl");
        }
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Bench run ").append(started).append("\n\n");
        for (String h : header) {
            sb.append("- ").append(h).append('\n');
        }
        sb.append('\n');
        String current = null;
        List<String> order = orderForTable();
        for (Row row : rows) {
            if (!row.dataset.equals(current)) {
                current = row.dataset;
                sb.append("\n## ").append(current).append("\n\n| bench |");
                for (String l : order) {
                    sb.append(' ').append(l).append(" median | ").append(l).append(" p99 |");
                }
                sb.append(" Chronon/Datomic | result size | check |\n|---|");
                sb.append("---:|---:|".repeat(order.size()));
                sb.append("---:|---:|---|\n");
            }
            sb.append("| ").append(row.bench).append(" |");
            for (String l : order) {
                BenchResult r = row.bySystem.get(l);
                if (r == null) {
                    sb.append(" - | - |");
                } else if (!r.ok()) {
                    sb.append(" error | - |");
                } else {
                    sb.append(' ').append(time(r.medianUs())).append(" | ").append(time(r.p99Us())).append(" |");
                }
            }
            String size = sizeCell(row);
            sb.append(' ').append(ratio(row)).append(" | ").append(size, 0, size.lastIndexOf(' '))
                    .append(" | ").append(row.status().equals("ok") ? "ok" : "**" + row.status() + "**").append(" |\n");
        }
        sb.append("\n## Mismatches and errors\n\n");
        if (mismatches.isEmpty()) {
            sb.append("None: every result size matched the reference and both systems agreed.\n");
        } else {
            for (String m : mismatches) {
                sb.append("- ").append(m.replace("\n", " ")).append('\n');
            }
        }
        return sb.toString();
    }
}
