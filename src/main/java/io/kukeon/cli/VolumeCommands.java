package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.VolumeScope;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.PutVolumeRequest;
import io.kukeon.wire.v1.PutVolumeResponse;
import io.kukeon.wire.v1.VolumeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code create volume}, {@code get volumes} and {@code delete volume}. */
final class VolumeCommands {
    private VolumeCommands() {}

    /** The scope flags of a volume: as deep as given (a deeper one requires the shallower), realm "default" if none. */
    static final class VolumeScopeFlags {
        @Option(names = "--realm", defaultValue = "default",
                description = "Realm (default: ${DEFAULT-VALUE}); a list without it covers every realm.")
        String realm;

        @Option(names = "--space", description = "Space: the volume is the space's (needs --realm); a list: narrowed to it.")
        String space;

        @Option(names = "--stack", description = "Stack: the volume is the stack's (needs --space); a list: narrowed to it.")
        String stack;

        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        ObjectPath scope() {
            return VolumeScope.of("--", realm, space, stack);
        }

        ScopeFilter filter() {
            return ScopeFilter.given(mixee, realm, space, stack);
        }
    }

    @Command(name = "volume", aliases = "vol", mixinStandardHelpOptions = true,
            description = {"Create a volume (a directory under kukeond's data dir that containers mount with",
                    "volumes: [{kind: volume, volumeRef: {name: NAME}}]), or change its reclaim policy."},
            footer = {"%nExamples:",
                    "  # volume cache of realm default",
                    "  kuke create volume cache",
                    "  # kept when its scope is deleted",
                    "  kuke create volume data --reclaim-policy Retain --realm demo"})
    static final class Create extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--reclaim-policy", paramLabel = "POLICY", defaultValue = "Delete",
                description = "Delete (default: the directory goes with its scope) or Retain (it stays on disk).")
        String reclaimPolicy;

        @Mixin
        VolumeScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) {
            ObjectPath scope = flags.scope();
            VolumeScope.requireName("NAME", name);
            ReclaimPolicy policy = ReclaimPolicy.parse("--reclaim-policy", reclaimPolicy);
            PutVolumeResponse r = daemon.calls().putVolume(PutVolumeRequest.newBuilder().setScope(scope.toString())
                    .setName(name).setReclaimPolicy(policy.name()).build());
            out().println("volume \"" + name + "\": " + r.getOutcome() + " in " + SecretCommands.where(scope));
            return 0;
        }
    }

    @Command(name = "volume", aliases = {"volumes", "vol"}, mixinStandardHelpOptions = true,
            description = {"List volumes, with the bytes they hold and the cells that mount them, or show one.",
                    "A list covers every scope; each scope flag given narrows it."},
            footer = {"%nExamples:",
                    "  # the volumes of every scope",
                    "  kuke get volumes",
                    "  # realm prod's and those of the scopes under it",
                    "  kuke get volumes --realm prod",
                    "  # realm default's volume cache, with its directory",
                    "  kuke get volume cache -o wide"})
    static final class Get extends DaemonCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One volume of the scope; all when left out.")
        String name;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
                description = Output.HELP)
        Output output;

        @Mixin
        VolumeScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) {
            HeldList listed = HeldList.of(name, flags.filter(), flags::scope);
            ListVolumesRequest.Builder request = ListVolumesRequest.newBuilder().setScope(listed.requestScope());
            if (name != null) {
                request.setName(VolumeScope.requireName("NAME", name));
            }
            List<VolumeInfo> found = listed.narrow(daemon.calls().listVolumes(request.build()).getVolumesList(),
                    VolumeInfo::getScope);
            out().print(render(found, listed));
            return 0;
        }

        private String render(List<VolumeInfo> found, HeldList listed) {
            List<Map<String, Object>> docs = found.stream().map(v -> ManifestWriter.volumeDocument(ObjectPath.parse(v.getScope()),
                    v.getName(), ReclaimPolicy.parse("reclaimPolicy", v.getReclaimPolicy()))).toList();
            return ObjectOutput.renderHeld(docs, output, name != null, () -> found.isEmpty()
                    ? listed.noneFound("volumes") : table(found).render());
        }

        private Table table(List<VolumeInfo> found) {
            Instant now = Instant.now();
            boolean wide = output.is(OutputFormat.wide);
            Table t = new Table(wide ? List.of("NAME", "SCOPE", "RECLAIM", "SIZE", "USERS", "AGE", "DIRECTORY")
                    : List.of("NAME", "SCOPE", "RECLAIM", "SIZE", "USERS", "AGE"));
            for (VolumeInfo v : found) {
                List<String> row = new ArrayList<>(List.of(v.getName(), v.getScope(), v.getReclaimPolicy(),
                        (v.getSizeComplete() ? "" : ">=") + v.getSizeBytes() + "B",
                        v.getUsersCount() == 0 ? "-" : String.join(",", v.getUsersList()), Age.since(v.getCreatedAt(), now)));
                if (wide) {
                    row.add(v.getDirectory());
                }
                t.add(row);
            }
            return t;
        }
    }

    @Command(name = "volume", aliases = {"volumes", "vol"}, mixinStandardHelpOptions = true,
            description = "Delete a volume and its directory (refused while a cell that mounts it is not stopped).",
            footer = {"%nExamples:",
                    "  # volume cache of realm default",
                    "  kuke delete volume cache",
                    "  # volume data of realm demo",
                    "  kuke delete volume data --realm demo"})
    static final class Delete extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        VolumeScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) {
            ObjectPath scope = flags.scope();
            daemon.work().deleteVolume(DeleteVolumeRequest.newBuilder().setScope(scope.toString())
                    .setName(VolumeScope.requireName("NAME", name)).build());
            out().println("Deleted volume \"" + name + "\" from " + SecretCommands.where(scope));
            return 0;
        }
    }
}
