package io.kukeon.supervisor;

import io.kukeon.model.ObjectPath;
import org.apache.pekko.persistence.typed.PersistenceId;

/** {@code <Kind>|<path>}: e.g. {@code Cell|default/default/default/web}. The journal's key of every object. */
public final class PersistenceIds {
    private PersistenceIds() {}

    public static PersistenceId of(ObjectPath path) {
        return PersistenceId.of(path.kind().displayName(), path.toString());
    }
}
