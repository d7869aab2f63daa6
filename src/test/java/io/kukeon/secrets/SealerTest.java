package io.kukeon.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealerTest {
    @TempDir
    Path dir;

    @Test
    void aSealedValueOpensWithItsKeyOnly() {
        Sealer sealer = KeyFile.create(dir.resolve("a.key"));
        SealedValue sealed = sealer.seal("pässword: with colon");
        assertEquals("pässword: with colon", sealer.open(sealed));
        assertEquals(sealer.keyId(), sealed.keyId());
        assertFalse(sealed.toString().contains("pässword"));

        Sealer other = KeyFile.create(dir.resolve("b.key"));
        SealingException wrong = assertThrows(SealingException.class, () -> other.open(sealed));
        assertTrue(wrong.getMessage().contains(sealer.keyId()) && wrong.getMessage().contains(other.keyId()),
                wrong.getMessage());
    }

    @Test
    void everySealingHasItsOwnNonce() {
        Sealer sealer = KeyFile.create(dir.resolve("a.key"));
        SealedValue one = sealer.seal("same");
        SealedValue two = sealer.seal("same");
        assertNotEquals(one, two);
        assertEquals(12, one.nonce().length);
        assertFalse(java.util.Arrays.equals(one.nonce(), two.nonce()));
    }

    @Test
    void anAlteredValueIsRefusedNotMisread() {
        Sealer sealer = KeyFile.create(dir.resolve("a.key"));
        SealedValue sealed = sealer.seal("secret");
        byte[] ciphertext = sealed.ciphertext();
        ciphertext[0] ^= 1;
        SealingException e = assertThrows(SealingException.class,
                () -> sealer.open(new SealedValue(sealed.keyId(), sealed.nonce(), ciphertext)));
        assertTrue(e.getMessage().contains("altered"), e.getMessage());
    }

    @Test
    void theKeyFileIsOwnerOnlyAndReadsBackAsTheSameKey() throws Exception {
        Path file = dir.resolve("keys/journal.key");
        Sealer created = KeyFile.create(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(Sealer.KEY_BYTES, Files.size(file));
        Sealer read = KeyFile.read(file);
        assertEquals(created.keyId(), read.keyId());
        assertEquals("x", read.open(created.seal("x")));
    }

    @Test
    void aDamagedOrMissingKeyFileIsOneClearLine() throws Exception {
        Path file = dir.resolve("short.key");
        Files.writeString(file, "not a key\n");
        SealingException damaged = assertThrows(SealingException.class, () -> KeyFile.read(file));
        assertTrue(damaged.getMessage().contains("10 bytes, not the 32"), damaged.getMessage());
        SealingException missing = assertThrows(SealingException.class, () -> KeyFile.read(dir.resolve("none.key")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertFalse(damaged.getMessage().contains("\n") || missing.getMessage().contains("\n"));
    }
}
