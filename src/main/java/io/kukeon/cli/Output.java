package io.kukeon.cli;

import picocli.CommandLine;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What {@code -o} asked for: a format and, for {@code jsonpath=EXPR}, the parsed template. Every
 * command that prints objects or records takes it the same way (see {@link Printed}).
 *
 * @param jsonPath null unless the format is jsonpath
 */
record Output(OutputFormat format, JsonPath jsonPath) {
    static final String HELP = "table, wide, yaml, json, name or jsonpath=TEMPLATE (default: ${DEFAULT-VALUE}).";

    static final Output TABLE = new Output(OutputFormat.table, null);

    /** Whole documents or parts of them, rather than a table for people. */
    boolean documents() {
        return format != OutputFormat.table && format != OutputFormat.wide;
    }

    boolean is(OutputFormat f) {
        return format == f;
    }

    /** Picocli's converter for {@code -o}; a bad value is a usage error naming it. */
    static final class Parse implements CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            if (value.startsWith("jsonpath=")) {
                try {
                    return new Output(OutputFormat.jsonpath, JsonPath.parse(value.substring("jsonpath=".length())));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.TypeConversionException(e.getMessage());
                }
            }
            if (value.equals("jsonpath")) {
                throw new CommandLine.TypeConversionException(
                        "jsonpath needs a template, e.g. -o jsonpath='{.items[*].metadata.name}'");
            }
            try {
                return new Output(OutputFormat.valueOf(value), null);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an output format; expected one of "
                        + Arrays.stream(OutputFormat.values()).map(f -> f == OutputFormat.jsonpath ? "jsonpath=TEMPLATE" : f.name())
                        .collect(Collectors.joining(", ")));
            }
        }
    }
}
