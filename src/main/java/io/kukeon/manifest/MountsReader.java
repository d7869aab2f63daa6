package io.kukeon.manifest;

import io.kukeon.model.MountRules;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;

import java.util.ArrayList;
import java.util.List;

/** Reads a container's {@code volumes} and {@code tmpfs}; their rules are the model's ({@code ContainerSpec.validate}). */
final class MountsReader {
    /** The reference's named Volume kind, which does not exist here yet. */
    private static final String VOLUME_KIND = "volume";

    private MountsReader() {}

    static List<VolumeMount> volumes(FieldReader container) {
        List<FieldReader> entries = container.mappings("volumes");
        if (entries == null) {
            return List.of();
        }
        List<VolumeMount> out = new ArrayList<>();
        for (FieldReader v : entries) {
            v.refuseUnsupported("volumeRef");
            String kind = v.string("kind");
            if (VOLUME_KIND.equals(kind)) {
                throw v.context().problem(v.field("kind"), v.markOf("kind"), "\"" + VOLUME_KIND + "\" " + FieldReader.UNSUPPORTED);
            }
            String mode = v.string("mode");
            Boolean readOnly = v.bool("readOnly");
            Boolean ensure = v.bool("ensure");
            out.add(new VolumeMount(VolumeMount.Kind.parse(v.field("kind"), kind), v.string("source"), v.string("target"),
                    readOnly != null && readOnly, v.integer("sizeBytes"),
                    mode == null ? null : MountRules.parseMode(v.field("mode"), mode), ensure != null && ensure));
            v.rejectUnknown();
        }
        return out;
    }

    static List<TmpfsMount> tmpfs(FieldReader container) {
        List<FieldReader> entries = container.mappings("tmpfs");
        if (entries == null) {
            return List.of();
        }
        List<TmpfsMount> out = new ArrayList<>();
        for (FieldReader t : entries) {
            out.add(new TmpfsMount(t.string("path"), t.integer("sizeBytes"), t.strings("options")));
            t.rejectUnknown();
        }
        return out;
    }
}
