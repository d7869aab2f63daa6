package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kukeon.supervisor.Journaled;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

import java.io.NotSerializableException;
import java.util.Optional;

/**
 * Pekko's serializer for everything {@link Journaled} (bound in {@code reference.conf}): Jackson
 * CBOR, configured as Pekko's {@code jackson-cbor}, under stable type names rather than class
 * names (see {@link JournalCodec}). Journals written before it (class names, serializer 33) are
 * read through {@link LegacyJournal}.
 */
public final class JournalSerializer extends SerializerWithStringManifest {
    /** Its id in the journal's {@code event_ser_id} and {@code snapshot_ser_id} columns: never change it. */
    public static final int IDENTIFIER = 7420;

    private final JournalCodec codec;

    public JournalSerializer(ExtendedActorSystem system) {
        this.codec = new JournalCodec(JournalTypes.TREE,
                JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.of(new CBORFactory())));
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
