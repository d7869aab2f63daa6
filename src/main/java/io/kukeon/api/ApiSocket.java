package io.kukeon.api;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.UnavailableException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** The API's unix socket file: made ready before the bind, given its mode and group after, removed at the end. */
final class ApiSocket {
    /** sun_path holds 108 bytes with the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private ApiSocket() {}

    /**
     * Makes the socket's directory if missing and removes a socket file left by a kukeond that is gone.
     * Refuses a path that is too long, that is something else than a socket, or where a kukeond answers.
     */
    static void prepare(Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new InvalidArgumentException("socket", "\"" + socket + "\" is longer than " + MAX_PATH_BYTES
                    + " bytes, the most a unix socket path may have");
        }
        Files.createDirectories(socket.getParent());
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new InvalidArgumentException("socket", socket + " exists and is not a socket; remove it or choose another path");
        }
        if (answers(socket)) {
            throw new UnavailableException("ListenFailed", "another kukeond is listening on " + socket);
        }
        Files.delete(socket);   // left by a kukeond that is gone
    }

    /** Mode 0660, group root or {@code group}: who may call the API without a token. */
    static void restrict(Path socket, String group) throws IOException {
        // following links: with NOFOLLOW_LINKS the JDK opens the file to change it, and a socket cannot be opened
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        if (!group.isEmpty()) {
            if (group.chars().allMatch(Character::isDigit)) {
                Files.setAttribute(socket, "unix:gid", Integer.parseInt(group));
            } else {
                GroupPrincipal principal;
                try {
                    principal = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                } catch (IOException e) {
                    throw new InvalidArgumentException("socket-group", "no group \"" + group + "\" on this host");
                }
                view.setGroup(principal);
            }
        }
        view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
    }

    static void remove(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a socket file left behind is removed by the next start
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;   // S_IFMT, S_IFSOCK
    }
}
