package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.Names;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateScope;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.DeleteTemplateRequest;
import io.kukeon.wire.v1.ListTemplatesRequest;
import io.kukeon.wire.v1.TemplateInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code get cellblueprints|cellconfigs} and {@code delete cellblueprint|cellconfig}; templates are put by apply. */
final class TemplateCommands {
    private TemplateCommands() {}

    /**
     * The scope flags of what a realm, space or stack holds (a template; with {@code --cell}, a secret):
     * as deep as given (a deeper one requires the shallower), realm "default" if none.
     */
    static class TemplateScopeFlags {
        @Option(names = "--realm", defaultValue = "default",
                description = "Realm (default: ${DEFAULT-VALUE}); a list without it covers every realm.")
        String realm;

        @Option(names = "--space", description = "Space: held by the space, not its realm (needs --realm); a list: narrowed to it.")
        String space;

        @Option(names = "--stack", description = "Stack: held by the stack (needs --space); a list: narrowed to it.")
        String stack;

        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        ObjectPath scope() {
            return TemplateScope.of("--", realm, space, stack);
        }

        /** What a list is narrowed to: the flags given, each at its level, none of them needing another. */
        ScopeFilter filter() {
            return ScopeFilter.given(mixee, realm, space, stack);
        }
    }

    abstract static class Get extends DaemonCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One template of the scope; all when left out.")
        String name;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
                description = Output.HELP)
        Output output;

        @Mixin
        TemplateScopeFlags flags;

        abstract TemplateKind kind();

        @Override
        int run(DaemonConnection daemon) {
            HeldList listed = HeldList.of(name, flags.filter(), flags::scope);
            ListTemplatesRequest.Builder request = ListTemplatesRequest.newBuilder().setKind(kind().kindName())
                    .setScope(listed.requestScope());
            if (name != null) {
                request.setName(Names.require("NAME", name));
            }
            List<TemplateInfo> found = listed.narrow(daemon.calls().listTemplates(request.build()).getTemplatesList(),
                    TemplateInfo::getScope);
            out().print(render(found, listed));
            return 0;
        }

        private String render(List<TemplateInfo> found, HeldList listed) {
            List<Map<String, Object>> docs = found.stream().map(t -> ManifestWriter.templateDocument(kind(),
                    ObjectPath.parse(t.getScope()), t.getName(), t.hasBlueprint() ? SpecMapping.fromProto(t.getBlueprint()) : null,
                    t.hasConfig() ? SpecMapping.fromProto(t.getConfig()) : null)).toList();
            return ObjectOutput.renderHeld(docs, output, name != null, () -> {
                if (found.isEmpty()) {
                    return listed.noneFound(kind().kindName() + "s");
                }
                Instant now = Instant.now();
                Table t = new Table(kind() == TemplateKind.BLUEPRINT
                        ? List.of("NAME", "SCOPE", "PREFIX", "PARAMETERS", "AGE")
                        : List.of("NAME", "SCOPE", "BLUEPRINT", "VALUES", "AGE"));
                for (TemplateInfo info : found) {
                    t.add(kind() == TemplateKind.BLUEPRINT
                            ? List.of(info.getName(), info.getScope(), info.getBlueprint().getPrefix(),
                            String.valueOf(info.getBlueprint().getParametersCount()), Age.since(info.getCreatedAt(), now))
                            : List.of(info.getName(), info.getScope(), info.getConfig().getBlueprintRef().getName(),
                            String.valueOf(info.getConfig().getValuesCount()), Age.since(info.getCreatedAt(), now)));
                }
                return t.render();
            });
        }
    }

    @Command(name = "cellblueprint", aliases = {"cellblueprints", "blueprint", "blueprints", "bp"},
            mixinStandardHelpOptions = true, description = {"List the CellBlueprints, or show one.",
                    "A list covers every scope; each scope flag given narrows it."},
            footer = {"%nExamples:",
                    "  # those of every scope",
                    "  kuke get cellblueprints",
                    "  # those of space demo/web and its stacks",
                    "  kuke get bp --realm demo --space web",
                    "  # realm default's greeter, as a manifest",
                    "  kuke get bp greeter -o yaml"})
    static final class GetBlueprints extends Get {
        TemplateKind kind() {
            return TemplateKind.BLUEPRINT;
        }
    }

    @Command(name = "cellconfig", aliases = {"cellconfigs", "config", "configs", "cfg"},
            mixinStandardHelpOptions = true, description = {"List the CellConfigs, or show one.",
                    "A list covers every scope; each scope flag given narrows it."},
            footer = {"%nExamples:",
                    "  # those of every scope",
                    "  kuke get cellconfigs",
                    "  # those of every stack named web",
                    "  kuke get cfg --stack web",
                    "  # realm demo's greeter-prod, as a manifest",
                    "  kuke get cfg greeter-prod -o yaml --realm demo"})
    static final class GetConfigs extends Get {
        TemplateKind kind() {
            return TemplateKind.CONFIG;
        }
    }

    abstract static class Delete extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        TemplateScopeFlags flags;

        abstract TemplateKind kind();

        @Override
        int run(DaemonConnection daemon) {
            ObjectPath scope = flags.scope();
            delete(daemon, kind(), scope, Names.require("NAME", name));
            out().println("Deleted " + kind().label() + " \"" + name + "\" from " + SecretCommands.where(scope));
            return 0;
        }

        static void delete(DaemonConnection daemon, TemplateKind kind, ObjectPath scope, String name) {
            daemon.work().deleteTemplate(DeleteTemplateRequest.newBuilder().setKind(kind.kindName())
                    .setScope(scope.toString()).setName(name).build());
        }
    }

    @Command(name = "cellblueprint", aliases = {"cellblueprints", "blueprint", "bp"}, mixinStandardHelpOptions = true,
            description = "Delete a CellBlueprint (cells made from it stay).",
            footer = {"%nExamples:",
                    "  # blueprint greeter of realm default",
                    "  kuke delete cellblueprint greeter",
                    "  # blueprint greeter of space demo/shop",
                    "  kuke delete cellblueprint greeter --realm demo --space shop"})
    static final class DeleteBlueprint extends Delete {
        TemplateKind kind() {
            return TemplateKind.BLUEPRINT;
        }
    }

    @Command(name = "cellconfig", aliases = {"cellconfigs", "config", "cfg"}, mixinStandardHelpOptions = true,
            description = "Delete a CellConfig (cells made from it stay).",
            footer = {"%nExamples:",
                    "  # config greeter-prod of realm default",
                    "  kuke delete cellconfig greeter-prod",
                    "  # config greeter-prod of stack demo/shop/web",
                    "  kuke delete cellconfig greeter-prod --realm demo --space shop --stack web"})
    static final class DeleteConfig extends Delete {
        TemplateKind kind() {
            return TemplateKind.CONFIG;
        }
    }
}
