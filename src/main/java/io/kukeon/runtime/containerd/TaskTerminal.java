package io.kukeon.runtime.containerd;

import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An attachable container's terminal, reached through two files in the attach directory named
 * after the container: its stdin pipe, which the task's logger holds open (so the terminal never
 * sees its stdin end while the logger lives, kukeond or not), and the unix socket the logger serves
 * for attached clients. Short names: a socket's path has at most 107 bytes.
 */
record TaskTerminal(Path stdin, Path socket) {
    /** sun_path's room, its final NUL aside. */
    static final int MAX_SOCKET_PATH = 107;

    static TaskTerminal of(Path attachDir, String namespace, String containerdId) {
        if (attachDir == null) {
            throw new RuntimeFailure("RuntimeError", "container " + containerdId + " is attachable, but kukeond has no"
                    + " attach directory");
        }
        TaskTerminal t = at(attachDir, namespace, containerdId);
        if (t.socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new RuntimeFailure("RuntimeError", "the attach socket " + t.socket + " is longer than a unix socket"
                    + " path may be (" + MAX_SOCKET_PATH + " bytes): choose a shorter data dir");
        }
        return t;
    }

    /** Where the container's terminal files are, whether a socket there could work or not. */
    static TaskTerminal at(Path attachDir, String namespace, String containerdId) {
        String name = shortName(namespace + "/" + containerdId);
        return new TaskTerminal(attachDir.resolve(name + ".stdin"), attachDir.resolve(name + ".sock"));
    }

    /** 16 hex digits of the SHA-256 of the container's namespace and ID. */
    private static String shortName(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The directory (0700) and the stdin pipe, unless an earlier task's is still there. */
    void prepare() {
        try {
            FileModes.createPrivateDirectories(stdin.getParent());
            if (!Files.exists(stdin)) {
                NamedPipes.make(List.of(stdin));
            }
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot make the terminal's stdin pipe " + stdin + ": " + e.getMessage(), e);
        }
    }

    void remove() {
        try {
            Files.deleteIfExists(stdin);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot remove the terminal files " + stdin + ": " + e.getMessage(), e);
        }
    }
}
