package io.kukeon.manifest;

import io.kukeon.model.MountRules;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;

import java.util.ArrayList;
import java.util.List;

/** Reads a container's {@code volumes} and {@code tmpfs}; their rules are the model's ({@code ContainerSpec.validate}). */
final class MountsReader {
    private MountsReader() {}

    static List<VolumeMount> volumes(FieldReader container) {
        List<FieldReader> entries = container.mappings("volumes");
        if (entries == null) {
            return List.of();
        }
        List<VolumeMount> out = new ArrayList<>();
        for (FieldReader v : entries) {
            String kind = v.string("kind");
            String mode = v.string("mode");
            Boolean readOnly = v.bool("readOnly");
            Boolean ensure = v.bool("ensure");
            out.add(new VolumeMount(VolumeMount.Kind.parse(v.field("kind"), kind), v.string("source"), v.string("target"),
                    readOnly != null && readOnly, v.integer("sizeBytes"),
                    mode == null ? null : MountRules.parseMode(v.field("mode"), mode), ensure != null && ensure,
                    volumeRef(v.mapping("volumeRef"))));
            v.rejectUnknown();
        }
        return out;
    }

    private static VolumeRef volumeRef(FieldReader ref) {
        if (ref == null) {
            return null;
        }
        VolumeRef read = new VolumeRef(ref.string("name"), ref.string("realm"), ref.string("space"), ref.string("stack"));
        ref.rejectUnknown();
        return read;
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
