package io.kukeon.daemon;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;

/**
 * Stands in, on a kukeond alone, for one of the serializers only members of a fleet use (see
 * {@link AloneSerializers}): made in no time, under the id of the serializer it replaces, it refuses
 * whatever reaches it, naming that serializer. Nothing does reach it: no message leaves a lone
 * daemon's JVM, and the journal holds none of those kinds.
 */
public final class FleetOnlySerializer extends SerializerWithStringManifest {
    private final String name;
    private final String replaces;
    private final int identifier;

    /** Pekko makes it with the name it is configured under. */
    public FleetOnlySerializer(ExtendedActorSystem system, String name) {
        this.name = name;
        this.replaces = system.settings().config().getString(AloneSerializers.replacedSetting(name));
        this.identifier = system.settings().config().getInt(AloneSerializers.identifierSetting(replaces));
    }

    @Override
    public int identifier() {
        return identifier;
    }

    @Override
    public String manifest(Object o) {
        return "";
    }

    @Override
    public byte[] toBinary(Object o) {
        throw new IllegalArgumentException(refusal(o.getClass().getName()));
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        throw new NotSerializableException(refusal(manifest));
    }

    private String refusal(String what) {
        return "serializer " + name + " (" + replaces + ") is for members of a fleet, and this kukeond runs alone"
                + " (no cluster.listen): cannot serialize " + what;
    }
}
