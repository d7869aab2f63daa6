package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.supervisor.Journaled;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;

/**
 * Journal values to bytes and back: the payload is the value's Jackson CBOR form, the manifest
 * its stable name, with {@code #<version>} once its shape has changed. Data of an older version
 * goes through the type's migration before it is read.
 */
public final class JournalCodec {
    private final JournalTypes types;
    private final ObjectMapper mapper;

    public JournalCodec(JournalTypes types, ObjectMapper mapper) {
        this.types = types;
        this.mapper = mapper;
    }

    public String manifest(Journaled value) {
        JournalTypes.Entry entry = types.of(value);
        return entry.version() == 1 ? entry.name() : entry.name() + "#" + entry.version();
    }

    public byte[] toBinary(Journaled value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + types.of(value).name(), e);
        }
    }

    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        int hash = manifest.lastIndexOf('#');
        String name = hash < 0 ? manifest : manifest.substring(0, hash);
        int version = hash < 0 ? 1 : Integer.parseInt(manifest.substring(hash + 1));
        JournalTypes.Entry entry = types.named(name);
        if (entry == null) {
            throw new NotSerializableException("the journal holds a \"" + name + "\", which this kukeond does not know");
        }
        if (version > entry.version()) {
            throw new NotSerializableException("the journal holds \"" + name + "\" version " + version
                    + ", written by a newer kukeond (this one reads up to version " + entry.version() + ")");
        }
        try {
            if (version == entry.version()) {
                return mapper.readValue(bytes, entry.type());
            }
            JsonNode old = mapper.readTree(bytes);
            return mapper.treeToValue(entry.migration().transform(version, old), entry.type());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read \"" + manifest + "\" from the journal", e);
        }
    }
}
