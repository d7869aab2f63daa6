package io.kukeon.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The file that holds the sealing key: 32 random bytes, mode 0600, made at the first start.
 * Losing it loses every sealed secret; it belongs in the same backup as the journal.
 */
public final class KeyFile {
    private KeyFile() {}

    /** The key in {@code file}; fails with a one-line {@link SealingException} if it is not a key file. */
    public static Sealer read(Path file) {
        byte[] key;
        try {
            if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new SealingException("the key file " + file + " does not exist or is not a regular file");
            }
            key = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SealingException("the key file " + file + " does not exist");
        } catch (IOException e) {
            throw new SealingException("cannot read the key file " + file + ": " + e.getMessage());
        }
        if (key.length != Sealer.KEY_BYTES) {
            throw new SealingException("the key file " + file + " holds " + key.length + " bytes, not the "
                    + Sealer.KEY_BYTES + " of a key: it is damaged or not a kukeond key file");
        }
        return new Sealer(key);
    }

    /** Writes a new random key to {@code file} (which must not exist), 0600 from its first byte. */
    public static Sealer create(Path file) {
        byte[] key = new byte[Sealer.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            FileModes.createPrivateDirectories(file.toAbsolutePath().getParent());
            FileModes.writePrivateFile(file, key);
        } catch (IOException e) {
            throw new SealingException("cannot create the key file " + file + ": " + e.getMessage());
        }
        return new Sealer(key);
    }
}
