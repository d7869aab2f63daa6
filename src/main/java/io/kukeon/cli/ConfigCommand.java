package io.kukeon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** kuke's contexts ({@link KukeContexts}): several daemons, one current, as kubectl's. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Keep the daemons kuke talks to as named contexts ($KUKE_CONFIG or ~/.kuke/config).",
        subcommands = {ConfigCommand.SetContext.class, ConfigCommand.UseContext.class, ConfigCommand.GetContexts.class,
                ConfigCommand.CurrentContext.class, ConfigCommand.DeleteContext.class},
        footer = {"%nExamples:",
                "  # a daemon on another host, over TLS, made the current one",
                "  kuke config set-context db1 --host db1.lan:7420 --ca-file ca.pem --token-file db1.token && kuke config use-context db1",
                "  # one call to another daemon",
                "  kuke get cells --context db2",
                "  # the contexts, the current one marked",
                "  kuke config get-contexts"})
final class ConfigCommand {

    /** What every subcommand shares: the file, read and written whole. */
    abstract static class ContextCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Path file() {
            return KukeContexts.file(((Kuke) spec.root().userObject()).env());
        }

        KukeContexts contexts() {
            return KukeContexts.load(file());
        }

        void print(String line) {
            spec.commandLine().getOut().println(line);
        }

        int fail(String message) {
            spec.commandLine().getErr().println(message);
            return Kuke.FAILED;
        }
    }

    /** A command on one existing context: refused, changing nothing, when there is none of that name. */
    abstract static class OnExistingContext extends ContextCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "A context of get-contexts.")
        String name;

        @Override
        public Integer call() throws IOException {
            KukeContexts all = contexts();
            if (!all.contexts().containsKey(name)) {
                return fail(KukeContexts.missing(name));
            }
            change(all).save(file());
            print(done());
            return Kuke.OK;
        }

        /** The contexts after the change. */
        abstract KukeContexts change(KukeContexts all);

        abstract String done();
    }

    @Command(name = "set-context", mixinStandardHelpOptions = true,
            description = {"Add a context, or change the settings given of an existing one: kuke's --host, --token-file,",
                    "--ca-file, --cert-file and --key-file."},
            footer = {"%nExamples:",
                    "  # a daemon on TCP with its token",
                    "  kuke config set-context lab --host 10.0.0.7:7420 --token-file ~/.kuke/lab.token --ca-file ~/.kuke/lab-ca.pem",
                    "  # mutual TLS added to it",
                    "  kuke config set-context lab --cert-file ~/.kuke/me.pem --key-file ~/.kuke/me.key"})
    static final class SetContext extends ContextCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context's name.")
        String name;
        @Override
        public Integer call() throws IOException {
            if (!name.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,62})")) {
                return fail("NAME: \"" + name + "\" must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit");
            }
            KukeContexts all = contexts();
            Map<String, KukeContexts.Context> contexts = new LinkedHashMap<>(all.contexts());
            // kuke's own --host, --token-file, --ca-file, --cert-file and --key-file, as given here
            Kuke flags = (Kuke) spec.root().userObject();
            KukeContexts.Context given = new KukeContexts.Context(flags.host, absolute(flags.tokenFile),
                    absolute(flags.caFile), absolute(flags.certFile), absolute(flags.keyFile));
            boolean existed = contexts.containsKey(name);
            contexts.put(name, existed ? contexts.get(name).with(given) : given);
            new KukeContexts(all.current(), contexts).save(file());
            print((existed ? "Changed" : "Added") + " context " + name + ".");
            return Kuke.OK;
        }

        /** Files are kept absolute, so the context works from any directory. */
        private static String absolute(String file) {
            return file == null ? null : Path.of(file).toAbsolutePath().normalize().toString();
        }
    }

    @Command(name = "use-context", mixinStandardHelpOptions = true, description = "Make a context the current one.",
            footer = {"%nExamples:",
                    "  # every call from now on goes to lab's daemon",
                    "  kuke config use-context lab",
                    "  # and back",
                    "  kuke config use-context local"})
    static final class UseContext extends OnExistingContext {
        @Override
        KukeContexts change(KukeContexts all) {
            return new KukeContexts(name, all.contexts());
        }

        @Override
        String done() {
            return "Switched to context " + name + ".";
        }
    }

    @Command(name = "get-contexts", mixinStandardHelpOptions = true, description = "List the contexts; * marks the current one.",
            footer = {"%nExamples:",
                    "  # every context",
                    "  kuke config get-contexts",
                    "  # the contexts, then the cells of the current one",
                    "  kuke config get-contexts && kuke get cells"})
    static final class GetContexts extends ContextCommand {
        @Override
        public Integer call() {
            KukeContexts all = contexts();
            if (all.contexts().isEmpty()) {
                print("No contexts in " + file() + ".");
                return Kuke.OK;
            }
            Table table = new Table(List.of("CURRENT", "NAME", "HOST", "TLS"));
            all.contexts().forEach((name, c) -> table.add(List.of(name.equals(all.current()) ? "*" : "", name,
                    c.host() == null ? "-" : c.host(), c.caFile() != null || c.certFile() != null ? "yes" : "no")));
            spec.commandLine().getOut().print(table.render());
            return Kuke.OK;
        }
    }

    @Command(name = "current-context", mixinStandardHelpOptions = true, description = "Print the current context's name.",
            footer = {"%nExamples:",
                    "  # which daemon kuke talks to by default",
                    "  kuke config current-context",
                    "  # a script that must not act on the wrong host",
                    "  test \"$(kuke config current-context)\" = lab && kuke delete cell web"})
    static final class CurrentContext extends ContextCommand {
        @Override
        public Integer call() {
            String current = contexts().current();
            if (current == null) {
                return fail("no current context (kuke config use-context NAME)");
            }
            print(current);
            return Kuke.OK;
        }
    }

    @Command(name = "delete-context", mixinStandardHelpOptions = true, description = "Remove a context (its files stay).",
            footer = {"%nExamples:",
                    "  # a daemon that is gone",
                    "  kuke config delete-context lab",
                    "  # then choose another",
                    "  kuke config use-context local"})
    static final class DeleteContext extends OnExistingContext {
        @Override
        KukeContexts change(KukeContexts all) {
            Map<String, KukeContexts.Context> contexts = new LinkedHashMap<>(all.contexts());
            contexts.remove(name);
            return new KukeContexts(name.equals(all.current()) ? null : all.current(), contexts);
        }

        @Override
        String done() {
            return "Deleted context " + name + ".";
        }
    }
}
