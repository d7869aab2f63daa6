package io.kukeon.runtime.containerd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a user reads when an exec's command cannot run: runc's own words, not containerd's wrapping. */
class ExecProcessesTest {
    @Test
    void runcsReasonIsKeptAndContainerdsWrappingDropped() {
        assertEquals("\"nope\": executable file not found in $PATH", ExecProcesses.runcReason(
                "failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: "
                        + "exec: \"nope\": executable file not found in $PATH: unknown"));
        assertEquals("\"/etc/passwd\": permission denied", ExecProcesses.runcReason(
                "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/etc/passwd\": permission denied: unknown"));
        assertEquals("something else", ExecProcesses.runcReason("something else"));
    }
}
