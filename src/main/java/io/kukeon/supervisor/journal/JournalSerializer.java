package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kukeon.secrets.KeyFile;
import io.kukeon.secrets.Sealer;
import io.kukeon.secrets.SealingException;
import io.kukeon.supervisor.Journaled;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

import java.io.NotSerializableException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pekko's serializer for everything {@link Journaled} (bound in {@code reference.conf}): Jackson
 * CBOR, configured as Pekko's {@code jackson-cbor}, under stable type names rather than class
 * names (see {@link JournalCodec}), with registry passwords sealed by the key the setting
 * {@value #KEY_FILE_SETTING} names (see {@link SealedCredentials}). Journals written before it (class
 * names, serializer 33) are read through {@link LegacyJournal}.
 */
public final class JournalSerializer extends SerializerWithStringManifest {
    /** Its id in the journal's {@code event_ser_id} and {@code snapshot_ser_id} columns: never change it. */
    public static final int IDENTIFIER = 7420;

    private final JournalCodec codec;

    /** The setting that names the sealing key's file; the daemon sets it from {@code kukeon.key-file}. */
    public static final String KEY_FILE_SETTING = "kukeon.key-file";

    public JournalSerializer(ExtendedActorSystem system) {
        ObjectMapper cbor = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
        Supplier<Sealer> sealer = new KeyOnFirstUse(system.settings().config().hasPath(KEY_FILE_SETTING)
                ? system.settings().config().getString(KEY_FILE_SETTING) : "");
        // A copy: the credentials are sealed in the journal only, not wherever Pekko's own mapper writes.
        this.codec = new JournalCodec(JournalTypes.TREE, cbor.copy().registerModule(new SealedCredentials(sealer)));
    }

    /** The key, read when the first secret is sealed or opened: systems that journal none need no key file. */
    private static final class KeyOnFirstUse implements Supplier<Sealer> {
        private final String file;
        private volatile Sealer sealer;

        KeyOnFirstUse(String file) {
            this.file = file;
        }

        @Override
        public Sealer get() {
            Sealer s = sealer;
            if (s == null) {
                if (file.isEmpty()) {
                    throw new SealingException(KEY_FILE_SETTING + " is not set: no key to seal or open secrets with");
                }
                s = KeyFile.read(Path.of(file));
                sealer = s;
            }
            return s;
        }
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return codec.manifest((Journaled) o);
    }

    @Override
    public byte[] toBinary(Object o) {
        return codec.toBinary((Journaled) o);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return codec.fromBinary(bytes, manifest);
    }
}
