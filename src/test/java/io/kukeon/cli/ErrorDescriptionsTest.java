package io.kukeon.cli;

import io.grpc.StatusRuntimeException;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ListRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An error description reaches a grpc-java client (kuke's, here without kuke's own checks in front)
 * exactly as kukeond wrote it: percent signs, percent-escapes and non-ASCII text quoted from the
 * request are neither decoded nor replaced.
 */
class ErrorDescriptionsTest extends AgainstTestDaemon {

    @ParameterizedTest
    @ValueSource(strings = {"sec-%61bc", "caf\u00e9", "caf\u00e9-%61", "100%", "%%", "%C3%A9", "\u65e5\u672c-%zz", "a\u00a0b"})
    void aNameInAnErrorIsQuotedAsGiven(String name) {
        StatusRuntimeException get = assertThrows(StatusRuntimeException.class,
                () -> daemon.client().get(GetRequest.newBuilder().setKind("Realm").setPath(name).build()));
        assertEquals("realm: \"" + name + "\" " + io.kukeon.model.Names.RULE,
                get.getStatus().getDescription());
        StatusRuntimeException list = assertThrows(StatusRuntimeException.class,
                () -> daemon.client().list(ListRequest.newBuilder().setKind("C" + name).build()));
        assertEquals("kind: unknown kind \"C" + name + "\"; one of Realm, Space, Stack, Cell, Container",
                list.getStatus().getDescription());
    }
}
