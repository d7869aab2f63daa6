package io.kukeon.runtime.containerd;

import io.grpc.Status;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** What counts as containerd not answering (an intent waits for it) and what as containerd refusing. */
class ContainerdFailuresTest {
    private static RuntimeException translated(Status status) {
        return ContainerdFailures.translate("kill task x", "/run/c.sock", status.asRuntimeException());
    }

    @Test
    void containerdGoingDownIsNotAnswering() {
        assertInstanceOf(UnavailableException.class, translated(Status.UNAVAILABLE.withDescription("io exception")));
        assertInstanceOf(UnavailableException.class, translated(Status.UNKNOWN.withDescription("channel closed")));
        assertInstanceOf(UnavailableException.class, translated(Status.UNKNOWN.withDescription("ttrpc: closed")));
    }

    @Test
    void anythingElseIsARefusal() {
        assertInstanceOf(RuntimeFailure.class, translated(Status.UNKNOWN.withDescription("runc did not terminate")));
        assertInstanceOf(RuntimeFailure.class, translated(Status.FAILED_PRECONDITION.withDescription("task is running")));
    }
}
