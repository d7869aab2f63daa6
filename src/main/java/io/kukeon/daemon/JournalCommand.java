package io.kukeon.daemon;

import io.kukeon.daemon.journalport.JournalExport;
import io.kukeon.daemon.journalport.JournalImport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kukeond journal export|import}: moves a journal between stores (H2 and PostgreSQL) through a
 * file, while no kukeond runs on it. Both take the daemon's own settings, so that they read and write
 * the journal it would.
 */
@Command(name = "journal", description = "Moves the journal between stores through a file, while kukeond is stopped.",
        mixinStandardHelpOptions = true, subcommands = {JournalCommand.Export.class, JournalCommand.Import.class})
final class JournalCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: export or import");
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes every event and snapshot of the journal to a new file.",
            footer = {"", "Examples:", "  # the H2 journal of /var/lib/kukeon to a file",
                    "  kukeond journal export --to /backup/journal.kjx",
                    "  # a PostgreSQL journal, with kukeond's own settings",
                    "  kukeond journal export --config /etc/kukeon/kukeond.conf --to /backup/journal.kjx"})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalFlags store = new JournalFlags();

        @Option(names = "--to", paramLabel = "FILE", required = true, description = "the file to write; it must not exist")
        Path to;

        @Override
        public Integer call() {
            DaemonConfig config = store.load();
            JournalExport.Exported e = JournalExport.export(config.journal(), config.journalBase(), to, Daemon.version());
            var out = spec.commandLine().getOut();
            out.println("exported " + e.events() + " events (" + e.tags() + " tags) and " + e.snapshots()
                    + " snapshots of " + e.objects() + " objects from the " + config.journal().describe() + " to " + to);
            out.println("sha256 " + e.sha256());
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Loads a file of journal export into the journal, and checks that both replay to the same states.",
            footer = {"", "Examples:", "  # into the PostgreSQL journal kukeond's config names",
                    "  kukeond journal import --config /etc/kukeon/kukeond.conf --from /backup/journal.kjx",
                    "  # replace the H2 journal of a data dir that already holds one",
                    "  kukeond journal import --data-dir /var/lib/kukeon --from /backup/journal.kjx --force"})
    static final class Import implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JournalFlags store = new JournalFlags();

        @Option(names = "--from", paramLabel = "FILE", required = true, description = "a file of kukeond journal export")
        Path from;

        @Option(names = "--force", description = "replace the events and snapshots the journal holds (in one step)")
        boolean force;

        @Override
        public Integer call() {
            DaemonConfig config = store.load();
            JournalImport.Imported i = JournalImport.importFrom(config.journal(), config.journalBase(), config.keyFile(),
                    config.pekko(), from, force);
            var out = spec.commandLine().getOut();
            out.println("imported " + i.events() + " events (" + i.tags() + " tags) and " + i.snapshots()
                    + " snapshots of " + i.objects() + " objects from " + from + " into the " + config.journal().describe());
            out.println("replayed the file and the journal: the states of all " + i.objects() + " objects and all "
                    + i.snapshots() + " snapshots match");
            return 0;
        }
    }
}
