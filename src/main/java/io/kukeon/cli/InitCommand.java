package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates realm, space and stack {@code default} (or those named by the scope flags); running it again is harmless. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the default realm, space and stack; reports created or already existed for each.",
        footer = {"%nExamples:",
                "  # realm, space and stack default",
                "  kuke init",
                "  # realm demo with its space shop and stack web",
                "  kuke init --realm demo --space shop --stack web"})
final class InitCommand extends DaemonCommand {
    @Mixin
    Scope scope;

    @Override
    int run(DaemonConnection daemon) {
        ObjectPath realm = ObjectPath.of(scope.realm);
        ObjectPath space = realm.child(scope.space);
        ObjectPath stack = space.child(scope.stack);
        create(daemon, ObjectDocs.of(realm, java.util.Map.of(), RealmSpec.DEFAULT));
        create(daemon, ObjectDocs.of(space, java.util.Map.of(), SpaceSpec.DEFAULT));
        create(daemon, ObjectDocs.of(stack, java.util.Map.of(), StackSpec.DEFAULT));
        return 0;
    }

    private void create(DaemonConnection daemon, io.kukeon.wire.v1.ObjectDoc doc) {
        ObjectResponse r = daemon.calls().create(CreateRequest.newBuilder().setObject(doc).build());
        Kind kind = ObjectPath.parse(doc.getPath()).kind();
        out().println(kind.label() + " \"" + doc.getMetadata().getName() + "\": "
                + (r.getCreated() ? "created" : "already existed"));
    }
}
