package io.kukeon.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs {@code kuke} in this JVM with a given environment, capturing exit code, stdout and stderr. */
record KukeRun(int exit, String out, String err) {

    static KukeRun of(Map<String, String> env, String... args) {
        return of(env, InputStream.nullInputStream(), args);
    }

    static KukeRun of(Map<String, String> env, InputStream stdin, String... args) {
        return run(env, stdin, false, args);
    }

    /** As run by someone at a terminal: stderr is one. */
    static KukeRun onTerminal(Map<String, String> env, String... args) {
        return run(env, InputStream.nullInputStream(), true, args);
    }

    /** Nothing listens on port 1 of the loopback: no command here can reach a daemon by accident. */
    static KukeRun offline(String... args) {
        return of(Map.of("KUKEON_HOST", "127.0.0.1:1", "KUKEON_TOKEN_FILE", "/nonexistent/token"), args);
    }

    /** kuke's stdout as bytes, for output that passes through unchanged (exec); stderr, kuke's and the command's, as text. */
    record Bytes(int exit, byte[] out, String err) {
        String outText() {
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static Bytes bytes(Map<String, String> env, InputStream stdin, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        PrintWriter outText = new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8));
        PrintWriter errText = new PrintWriter(new java.io.OutputStreamWriter(err, java.nio.charset.StandardCharsets.UTF_8));
        int code = Kuke.run(args, outText, errText, env::get, stdin, false, out, err);
        outText.flush();
        errText.flush();
        return new Bytes(code, out.toByteArray(), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static KukeRun run(Map<String, String> env, InputStream stdin, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Kuke.run(args, new PrintWriter(out), new PrintWriter(err), env::get, stdin, terminal);
        return new KukeRun(code, out.toString(), err.toString());
    }
}
