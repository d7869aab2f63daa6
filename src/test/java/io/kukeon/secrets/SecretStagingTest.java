package io.kukeon.secrets;

import io.kukeon.model.ContainerSecret;
import io.kukeon.runtime.RuntimeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The variables a container gets, and the failures that name a secret without its value (mounts: RealContainerSecretsTest). */
class SecretStagingTest {
    @TempDir
    Path dir;

    private SecretStaging staging(Map<String, String> environment) {
        return new SecretStaging(dir.resolve("stage"), "test", environment);
    }

    private String refusal(SecretStaging staging, ContainerSecret secret) {
        RuntimeFailure f = assertThrows(RuntimeFailure.class, () -> staging.stage("c1", List.of(secret)));
        assertEquals("SecretUnavailable", f.kind());
        return f.getMessage();
    }

    @Test
    void unmountedSecretsAreVariablesFromTheEnvironmentOrAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-a-file");
        SecretStaging.Staged staged = staging(Map.of("HOST_TOKEN", "from-the-env")).stage("c1", List.of(
                ContainerSecret.fromEnv("A", "HOST_TOKEN", null), ContainerSecret.fromFile("B", file.toString(), null)));
        assertEquals(List.of("A=from-the-env", "B=from-a-file"), staged.env());
        assertEquals(List.of(), staged.mounts());
        assertFalse(staged.toString().contains("from-"), staged.toString());
        assertFalse(Files.exists(dir.resolve("stage")), "no variable is written anywhere");
    }

    @Test
    void aValueThatCannotBeHadFailsNamingTheSecretAndItsSourceOnly() throws Exception {
        SecretStaging staging = staging(Map.of());
        assertEquals("secret \"A\": kukeond's environment variable NOT_SET is not set",
                refusal(staging, ContainerSecret.fromEnv("A", "NOT_SET", null)));
        assertEquals("secret \"A\": file " + dir.resolve("absent") + " is not a regular file",
                refusal(staging, ContainerSecret.fromFile("A", dir.resolve("absent").toString(), null)));
        Path big = Files.write(dir.resolve("big"), new byte[ContainerSecret.MAX_VALUE_BYTES + 1]);
        assertEquals("secret \"A\": file " + big + " is larger than 1048576 bytes",
                refusal(staging, ContainerSecret.fromFile("A", big.toString(), "/run/a")));
        Path binary = Files.write(dir.resolve("binary"), new byte[]{'k', 0, (byte) 0xff});
        assertEquals("secret \"A\": file " + binary + " is not UTF-8 text without NUL, which an environment variable"
                + " needs (give it a mountPath)", refusal(staging, ContainerSecret.fromFile("A", binary.toString(), null)));
    }
}
