package io.kukeon.testing;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * A cell of busybox sleepers ({@code app}, and {@code side} when there are two) whose args tell
 * the variants apart, so that an apply of one may be a create, an update or a no-op. Two cells
 * are the same spec when their {@link #signature()}s are equal.
 *
 * @param sleeps the seconds each container sleeps, e.g. {@code ["3600", "3602"]}
 */
public record SleeperCell(List<String> sleeps) {
    public static final String IMAGE = "docker.io/library/busybox:latest";

    public SleeperCell {
        sleeps = List.copyOf(sleeps);
    }

    public static SleeperCell of(String... sleeps) {
        return new SleeperCell(List.of(sleeps));
    }

    /** One of four variants: one or two containers, the first sleeping 3600 or 3601 s. */
    public static SleeperCell random(Random rng) {
        String app = rng.nextBoolean() ? "3600" : "3601";
        return rng.nextBoolean() ? of(app) : of(app, "3602");
    }

    private static String name(int i) {
        return i == 0 ? "app" : "side";
    }

    /** The cell as an apply manifest (one document). */
    public String manifest(ObjectPath cell) {
        StringBuilder y = new StringBuilder("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + cell.name() + "}\nspec:\n  realmId: "
                + cell.nameAt(Kind.REALM) + "\n  spaceId: " + cell.nameAt(Kind.SPACE) + "\n  stackId: "
                + cell.nameAt(Kind.STACK) + "\n  containers:\n");
        for (int i = 0; i < sleeps.size(); i++) {
            y.append("    - id: ").append(name(i)).append("\n      image: ").append(IMAGE)
                    .append("\n      command: sleep\n      args: ['").append(sleeps.get(i)).append("']\n");
        }
        return y.toString();
    }

    /** The container names, the root the daemon adds not included. */
    public List<String> containers() {
        return sleeps.size() == 1 ? List.of(name(0)) : List.of(name(0), name(1));
    }

    /** The workloads as {@code id=command args}, sorted; the root the daemon adds is left out. */
    public String signature() {
        TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < sleeps.size(); i++) {
            out.add(name(i) + "=sleep " + sleeps.get(i));
        }
        return String.join(",", out);
    }

    /** The same signature, of a cell as the API shows it. */
    public static String signature(ObjectDoc cell) {
        TreeSet<String> out = new TreeSet<>();
        for (ContainerSpec c : cell.getCell().getContainersList()) {
            if (!c.getRoot()) {
                out.add(c.getId() + "=" + c.getCommand() + (c.getArgsCount() == 0 ? "" : " " + String.join(" ", c.getArgsList())));
            }
        }
        return String.join(",", out);
    }
}
