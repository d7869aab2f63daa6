package io.kukeon.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code KEY=VALUE} lists where a later entry of the same key wins: a config's env over a blueprint's, --env over both. */
public final class EnvOverrides {
    private EnvOverrides() {}

    /** {@code env} without the keys {@code overrides} set, then {@code overrides} (each key once, its last value). */
    public static List<String> merged(List<String> env, List<String> overrides) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String e : overrides) {
            byKey.put(key(e), e);
        }
        List<String> out = new ArrayList<>();
        for (String e : env) {
            if (!byKey.containsKey(key(e))) {
                out.add(e);
            }
        }
        out.addAll(byKey.values());
        return out;
    }

    private static String key(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }
}
