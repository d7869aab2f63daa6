package io.kukeon.cli;

/** {@code -o}: a table, a wider table, or whole documents that {@code kuke apply} takes back. */
enum OutputFormat {
    table, wide, yaml, json
}
