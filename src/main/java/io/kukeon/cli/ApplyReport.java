package io.kukeon.cli;

import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;

/**
 * The outcome of an apply, per document as the reference prints it:
 * {@code Cell "web": updated} (in a fleet, a cell's {@code on node NAME}; {@code pending} and why, a new cell no node can
 * run yet), then {@code   - change} lines, {@code   => effect} lines (what the
 * change does to a running cell), warnings and {@code   Error: ...}.
 */
final class ApplyReport {
    private ApplyReport() {}

    static String render(ApplyResponse response, boolean dryRun) {
        StringBuilder out = new StringBuilder();
        for (ApplyResult r : response.getResultsList()) {
            out.append(label(r.getKind(), r.getName(), r.getLine())).append(": ").append(r.getOutcome());
            if (!r.getOutcome().equals("failed") && !r.getObject().getNode().isEmpty()) {   // in a fleet: where it runs
                out.append(" on node ").append(r.getObject().getNode());
            }
            if (dryRun && !r.getOutcome().equals("failed")) {
                out.append(" (dry run)");
            }
            out.append('\n');
            if (r.getOutcome().equals("pending")) {   // in a fleet: a new cell that no node can run yet; the fleet runs it once one can
                out.append("  Pending: ").append(ErrorLine.oneLine(r.getObject().getStatus().getMessage())).append('\n');
            }
            r.getChangesList().forEach(c -> out.append("  - ").append(c).append('\n'));
            r.getEffectsList().forEach(e -> out.append("  => ").append(e).append('\n'));
            r.getWarningsList().forEach(w -> out.append("  Warning: ").append(w).append('\n'));
            if (!r.getError().isEmpty()) {
                String error = r.getLine() > 0 && !r.getError().startsWith("line ")
                        ? "line " + r.getLine() + ": " + r.getError() : r.getError();
                out.append("  Error: ").append(ErrorLine.oneLine(error)).append('\n');
            }
        }
        return out.toString();
    }

    static long failures(ApplyResponse response) {
        return response.getResultsList().stream().filter(r -> r.getOutcome().equals("failed")).count();
    }

    /** {@code Cell "web"}; a document without kind or name is named by its line. */
    static String label(String kind, String name, int line) {
        String k = kind.isEmpty() ? "Document" : kind;
        return name.isEmpty() ? k + " at line " + line : k + " \"" + name + "\"";
    }
}
