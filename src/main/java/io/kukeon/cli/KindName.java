package io.kukeon.cli;

import io.kukeon.model.Kind;
import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/** Kinds as typed on the command line, with the reference's plurals and short forms ({@code cells}, {@code ce}). */
final class KindName implements CommandLine.ITypeConverter<Kind> {
    private static final Map<String, Kind> ALIASES = Map.ofEntries(
            Map.entry("realm", Kind.REALM), Map.entry("realms", Kind.REALM), Map.entry("r", Kind.REALM),
            Map.entry("space", Kind.SPACE), Map.entry("spaces", Kind.SPACE), Map.entry("sp", Kind.SPACE),
            Map.entry("stack", Kind.STACK), Map.entry("stacks", Kind.STACK), Map.entry("st", Kind.STACK),
            Map.entry("cell", Kind.CELL), Map.entry("cells", Kind.CELL), Map.entry("ce", Kind.CELL),
            Map.entry("container", Kind.CONTAINER), Map.entry("containers", Kind.CONTAINER),
            Map.entry("co", Kind.CONTAINER));

    @Override
    public Kind convert(String text) {
        Kind k = ALIASES.get(text.toLowerCase(Locale.ROOT));
        if (k == null) {
            throw new CommandLine.TypeConversionException(
                    "unknown kind '" + text + "'; one of realm, space, stack, cell, container (or their plurals)");
        }
        return k;
    }

    /** Completion candidates. */
    static final class Candidates extends java.util.ArrayList<String> {
        Candidates() {
            super(java.util.List.of("realms", "spaces", "stacks", "cells", "containers"));
        }
    }
}
