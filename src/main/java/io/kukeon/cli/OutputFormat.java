package io.kukeon.cli;

/**
 * {@code -o}: a table, a wider table, whole documents that {@code kuke apply} takes back, one
 * {@code kind/path} per line, or a {@link JsonPath} template over the json.
 */
enum OutputFormat {
    table, wide, yaml, json, name, jsonpath
}
