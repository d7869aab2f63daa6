package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pekko's serializers for a kukeond that runs alone (no {@code cluster.listen}). Pekko makes every
 * serializer of {@code pekko.actor.serializers} when its actor system starts, and the fleet's jars
 * (remote, cluster, distributed data, cluster tools, cluster typed) bring 14 of them: ~260 classes
 * for messages that never leave a lone daemon's JVM (docs/benchmarks.md, "Resident set"). A setting cannot take a serializer out (the actor system's settings fall back on every jar's
 * reference.conf), so each is replaced by a {@link FleetOnlySerializer} under its id, and the bindings
 * to it by {@code none}, which loads no class. A fleet member keeps them all; the journal's serializer
 * and the Jackson ones (its old rows) stay.
 */
final class AloneSerializers {
    private AloneSerializers() {}

    private static final String SERIALIZERS = "pekko.actor.serializers";
    private static final String BINDINGS = "pekko.actor.serialization-bindings";
    private static final String IDENTIFIERS = "pekko.actor.serialization-identifiers";
    /** Under it, by serializer name: the class a {@link FleetOnlySerializer} stands in for. */
    private static final String REPLACED = "kukeon-alone.replaced-serializers";

    /** Where the serializers only members of a fleet use are implemented. */
    private static final List<String> FLEET_PACKAGES = List.of("org.apache.pekko.remote.", "org.apache.pekko.cluster.");

    /** The same settings with the fleet's serializers replaced, and the bindings to them set to none. */
    static Config of(Config pekko) {
        Map<String, Object> settings = new HashMap<>();
        pekko.getConfig(SERIALIZERS).root().unwrapped().forEach((name, implementation) -> {
            String replaced = String.valueOf(implementation);
            // one without a configured id keeps its own: a stand-in must answer to the same id
            if (FLEET_PACKAGES.stream().anyMatch(replaced::startsWith) && pekko.hasPath(identifierSetting(replaced))) {
                settings.put(SERIALIZERS + "." + ConfigUtil.quoteString(name), FleetOnlySerializer.class.getName());
                settings.put(replacedSetting(name), replaced);
            }
        });
        pekko.getConfig(BINDINGS).root().unwrapped().forEach((type, serializer) -> {
            if (settings.containsKey(replacedSetting(String.valueOf(serializer)))) {
                settings.put(BINDINGS + "." + ConfigUtil.quoteString(type), "none");
            }
        });
        // parseMap reads keys as paths: the names and bound classes in them are quoted
        return ConfigFactory.parseMap(settings).withFallback(pekko);
    }

    static String replacedSetting(String serializer) {
        return REPLACED + "." + ConfigUtil.quoteString(serializer);
    }

    static String identifierSetting(String serializerClass) {
        return IDENTIFIERS + "." + ConfigUtil.quoteString(serializerClass);
    }
}
