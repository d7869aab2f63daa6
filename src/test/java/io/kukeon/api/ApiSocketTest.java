package io.kukeon.api;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.UnavailableException;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's unix socket: the local default, reachable by root and the socket's group only, with no
 * token; a second kukeond cannot take it, a stale one is replaced, and TCP is off unless asked for.
 */
class ApiSocketTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path other;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void withoutListenThereIsNoTcpAndACallOnTheSocketNeedsNoToken() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of("listen", ""));
        assertEquals(-1, daemon.port());
        assertEquals("daemon", daemon.withToken(null).status(StatusRequest.getDefaultInstance()).getChecks(0).getName(),
                "a call on the socket needs no token");
    }

    @Test
    void theSocketIsForRootAndItsGroupOnly() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of("socket-group", "4242"));
        Path socket = daemon.socket();
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals(0, Files.getAttribute(socket, "unix:uid"));
        assertEquals(4242, Files.getAttribute(socket, "unix:gid"));
        daemon.close();
        daemon = null;
        assertFalse(Files.exists(socket), "removed when kukeond stops");
    }

    @Test
    void aSecondKukeondCannotTakeTheSocketOfARunningOne() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of());
        Path socket = daemon.socket();
        UnavailableException e = assertThrows(UnavailableException.class,
                () -> new TestDaemon(other, Map.of("socket", socket.toString())));
        assertEquals("another kukeond is listening on " + socket, e.getMessage());
        assertEquals("r", createAndGet(daemon), "the first answers on");
    }

    @Test
    void aSocketLeftByAKukeondThatIsGoneIsReplaced() throws Exception {
        Path socket = dataDir.resolve("kukeond.sock");
        Files.createDirectories(dataDir);
        try (ServerSocketChannel left = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            left.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a unix socket leaves its file");
        daemon = new TestDaemon(dataDir, Map.of("listen", ""));
        assertEquals("r", createAndGet(daemon));
    }

    @Test
    void aSocketPathThatIsAFileOrTooLongIsRefusedNamingTheSetting() throws Exception {
        Path file = Files.writeString(other.resolve("not-a-socket"), "x");
        InvalidArgumentException notSocket = assertThrows(InvalidArgumentException.class,
                () -> new TestDaemon(dataDir, Map.of("socket", file.toString())));
        assertEquals("socket", notSocket.field());
        assertEquals("x", Files.readString(file), "left as it was");
        assertFalse(Files.exists(dataDir.resolve("journal")), "refused before the daemon touched its data dir");

        String tooLong = other.resolve("d".repeat(120)).toString();
        InvalidArgumentException longPath = assertThrows(InvalidArgumentException.class,
                () -> new TestDaemon(dataDir, Map.of("socket", tooLong)));
        assertEquals("socket", longPath.field());
        assertTrue(longPath.getMessage().contains("longer than 107 bytes"), longPath.getMessage());
    }

    private static String createAndGet(TestDaemon daemon) throws Exception {
        var api = daemon.client();
        api.create(io.kukeon.wire.v1.CreateRequest.newBuilder().setObject(Docs.realm("r")).build());
        return api.get(GetRequest.newBuilder().setKind("Realm").setPath("r").build()).getObject().getPath();
    }
}
