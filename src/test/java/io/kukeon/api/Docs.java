package io.kukeon.api;

import io.kukeon.testing.Specs;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.List;
import java.util.Map;

/** Builders of API objects for tests. */
public final class Docs {
    private Docs() {}

    /** The cell once the verdict on its last start's bring-up is in (its status no longer says one is due). */
    public static ObjectDoc judged(KukeonGrpc.KukeonBlockingStub api, String path) throws Exception {
        return io.kukeon.testing.Eventually.value("the bring-up of " + path + " judged", java.time.Duration.ofSeconds(30), () -> {
            ObjectDoc cell = api.get(io.kukeon.wire.v1.GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
            return cell.getStatus().getBringUpDue().isEmpty() ? cell : null;
        });
    }

    public static ObjectDoc realm(String name) {
        return ObjectMapping.toProto(new TreeObject.Realm(ObjectPath.of(name), new Metadata(name, Map.of(), 0),
                RealmSpec.DEFAULT, null));
    }

    public static ObjectDoc space(String path) {
        ObjectPath p = ObjectPath.parse(path);
        return ObjectMapping.toProto(new TreeObject.Space(p, new Metadata(p.name(), Map.of(), 0), SpaceSpec.DEFAULT, null));
    }

    /** Creates the realm, the space and the stack of {@code stackPath} ("realm/space/stack") through the API. */
    public static void createStack(KukeonGrpc.KukeonBlockingStub api, String stackPath) {
        ObjectPath stack = ObjectPath.parse(stackPath);
        api.create(CreateRequest.newBuilder().setObject(realm(stack.parent().parent().name())).build());
        api.create(CreateRequest.newBuilder().setObject(space(stack.parent().toString())).build());
        api.create(CreateRequest.newBuilder().setObject(stack(stackPath)).build());
    }

    public static ObjectDoc stack(String path) {
        ObjectPath p = ObjectPath.parse(path);
        return ObjectMapping.toProto(new TreeObject.Stack(p, new Metadata(p.name(), Map.of(), 0), StackSpec.DEFAULT, null));
    }

    /** A cell whose containers run busybox with the given args each ({@code exit=N} makes the fake exit at once). */
    public static ObjectDoc cell(String path, Map<String, String> labels, ContainerSpec... containers) {
        ObjectPath p = ObjectPath.parse(path);
        return ObjectMapping.toProto(new TreeObject.Cell(p, new Metadata(p.name(), labels, 0),
                new CellSpec(List.of(containers), null, false, null), null));
    }

    public static ContainerSpec container(String id, String... args) {
        return ContainerSpec.of(id, "busybox", null, List.of(args));
    }

    public static ContainerSpec container(String id, RestartPolicy policy, String... args) {
        return Specs.container(id).args(args).restart(policy).build();
    }
}
