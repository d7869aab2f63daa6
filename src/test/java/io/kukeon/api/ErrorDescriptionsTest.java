package io.kukeon.api;

import io.grpc.StatusRuntimeException;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An error description reaches a grpc-java client exactly as kukeond wrote it: percent signs,
 * percent-escapes and non-ASCII text quoted from the request are neither decoded nor replaced.
 */
class ErrorDescriptionsTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sec-%61bc", "caf\u00e9", "caf\u00e9-%61", "100%", "%%", "%C3%A9", "\u65e5\u672c-%zz", "a\u00a0b"})
    void aNameInAnErrorIsQuotedAsGiven(String name) {
        StatusRuntimeException get = assertThrows(StatusRuntimeException.class,
                () -> api.get(GetRequest.newBuilder().setKind("Realm").setPath(name).build()));
        assertEquals("realm: \"" + name + "\" must be a DNS-1123 label: 1-63 characters of a-z, 0-9 and '-', starting"
                + " and ending with a letter or digit (and no \"--\", which containerd's identifiers refuse)",
                get.getStatus().getDescription());
        StatusRuntimeException list = assertThrows(StatusRuntimeException.class,
                () -> api.list(ListRequest.newBuilder().setKind("C" + name).build()));
        assertEquals("kind: unknown kind \"C" + name + "\"; one of Realm, Space, Stack, Cell, Container",
                list.getStatus().getDescription());
    }
}
