package io.kukeon.cli;

import io.kukeon.model.Kind;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.Map;

/**
 * Which object names complete a parameter of kuke, decided in one place from the picocli model:
 * the scope options by their names, a {@code CELL}, {@code IMAGE} or {@code KIND/NAME} parameter, a {@code NAME} by
 * the kind given before it or the kind its command is about. The completion scripts ask kukeond for these names
 * ({@code kuke __complete}); every other value completes from the script itself.
 */
enum NameSource {
    REALM, SPACE, STACK, CELL, CONTAINER, SECRET, VOLUME, BLUEPRINT, CONFIG,
    /** The images of the realm ({@code --realm}, default {@code default}). */
    IMAGE,
    /** The kind named by the command's {@code KIND} parameter ({@code get cell <NAME>}). */
    KIND_GIVEN,
    /** One word {@code KIND/NAME} or {@code KIND/PATH} ({@code events cell/web}): the kind first, then its objects. */
    KIND_SLASH_NAME;

    private static final Map<String, NameSource> OPTIONS = Map.of("--realm", REALM, "--space", SPACE, "--stack", STACK,
            "--cell", CELL, "--container", CONTAINER, "--clone", CELL, "--from-blueprint", BLUEPRINT,
            "--from-config", CONFIG);
    /** The kinds a command named so is about ({@code get secret <NAME>}). */
    private static final Map<String, NameSource> HELD = Map.of("secret", SECRET, "volume", VOLUME,
            "cellblueprint", BLUEPRINT, "cellconfig", CONFIG);

    /** The names that complete {@code arg} of {@code command}; null when none come from kukeond. */
    static NameSource of(CommandSpec command, ArgSpec arg) {
        boolean creates = command.parent() != null && command.parent().name().equals("create");
        if (arg instanceof OptionSpec option) {
            NameSource source = OPTIONS.get(option.longestName());
            // a container being created has a new name
            return creates && source == CONTAINER ? null : source;
        }
        PositionalParamSpec positional = (PositionalParamSpec) arg;
        if (creates) {
            return null;
        }
        if (positional.paramLabel().equals("CELL")) {
            return CELL;
        }
        if (positional.paramLabel().equals("IMAGE")) {
            return IMAGE;
        }
        if (positional.paramLabel().equals("KIND/NAME")) {
            return KIND_SLASH_NAME;
        }
        if (!positional.paramLabel().equals("NAME")) {
            return null;
        }
        boolean kindGiven = command.positionalParameters().stream().anyMatch(p -> p.paramLabel().equals("KIND"));
        return kindGiven ? KIND_GIVEN : HELD.get(command.name());
    }

    /** The level of the tree these names are of; null for what scopes hold. */
    Kind treeKind() {
        switch (this) {
            case REALM: return Kind.REALM;
            case SPACE: return Kind.SPACE;
            case STACK: return Kind.STACK;
            case CELL: return Kind.CELL;
            case CONTAINER: return Kind.CONTAINER;
            default: return null;
        }
    }

    static NameSource of(Kind kind) {
        return valueOf(kind.name());
    }
}
