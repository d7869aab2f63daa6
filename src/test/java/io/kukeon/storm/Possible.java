package io.kukeon.storm;

import io.kukeon.testing.SleeperCell;
import io.kukeon.wire.v1.ObjectDoc;

/**
 * One state an object may be in after the storm: absent, or present with a spec signature (cells;
 * "" for the other levels) and, for a cell, how it runs.
 */
record Possible(boolean exists, String spec, Run run) {
    static final Possible ABSENT = new Possible(false, "", Run.ANY);
    static final Possible SCOPE = new Possible(true, "", Run.ANY);

    /** A cell's displayed state, as far as the storm predicts it; ANY when it does not. */
    enum Run {
        RUNNING, STOPPED, PENDING, ANY;

        static Run of(String state) {
            return switch (state) {
                case "Ready" -> RUNNING;
                case "Stopped" -> STOPPED;
                case "Pending" -> PENDING;
                default -> ANY;
            };
        }

        boolean admits(Run observed) {
            return this == ANY || this == observed;
        }
    }

    static Possible cell(ObjectDoc doc) {
        return new Possible(true, SleeperCell.signature(doc), Run.of(doc.getStatus().getState()));
    }

    Possible running(Run r) {
        return new Possible(exists, spec, r);
    }

    boolean admits(Possible observed) {
        return exists == observed.exists() && (!exists || spec.equals(observed.spec()) && run.admits(observed.run()));
    }

    @Override
    public String toString() {
        return !exists ? "absent" : spec.isEmpty() ? "present" : "{" + spec + "} " + run;
    }
}
