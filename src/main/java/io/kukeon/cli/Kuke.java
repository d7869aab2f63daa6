package io.kukeon.cli;

import io.kukeon.model.KukeonException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code kuke}, the command line of kukeond. Exit codes: 0 success, 1 failure, 2 usage error.
 * Every failure is one line on stderr; no stack trace reaches the user.
 */
@Command(name = "kuke", mixinStandardHelpOptions = true, versionProvider = Kuke.Version.class,
        description = "Drive kukeond: realms > spaces > stacks > cells > containers.",
        footer = {"%nExamples:",
                "  # realm, space and stack default, then the cells of a manifest",
                "  kuke init && kuke apply -f web.yaml",
                "  # every cell, with its realm, space and stack",
                "  kuke get cells",
                "  # the output of cell web as it comes",
                "  kuke logs web -f"})
public final class Kuke implements Callable<Integer> {
    /**
     * The commands, in the order help lists them. Only the one invoked is given to picocli (whose
     * reflection over every command would cost a third of the start-up); help, completion and
     * unknown words get them all.
     */
    private static final List<Class<?>> COMMANDS = List.of(InitCommand.class, ApplyCommand.class, GetCommand.class,
            DescribeCommand.class, CreateCommand.class, DeleteCommand.class, StartCommand.class, StopCommand.class, KillCommand.class,
            RestartCommand.class, LogsCommand.class, ExecCommand.class, AttachCommand.class, RunCommand.class, TopCommand.class, EventsCommand.class,
            ImageCommand.class, StatusCommand.class, ConfigCommand.class,
            VersionCommand.class, CompletionCommand.class, CompleteCommand.class);

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Option(names = "--host", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "kukeond's address (env KUKEON_HOST; default " + Settings.DEFAULT_HOST + ").")
    String host;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The API token (env KUKEON_TOKEN_FILE; default $KUKEON_DATA_DIR/token or "
                    + Settings.DEFAULT_DATA_DIR + "/token).")
    String tokenFile;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "TLS to kukeond on TCP, trusting this PEM CA (env KUKEON_CA_FILE).")
    String caFile;

    @Option(names = "--cert-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Mutual TLS: kuke's PEM certificate (env KUKEON_CERT_FILE), with --key-file.")
    String certFile;

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Mutual TLS: the certificate's PKCS#8 PEM key (env KUKEON_KEY_FILE).")
    String keyFile;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "The daemon of this context of kuke config (env KUKEON_CONTEXT; default: the current one).")
    String context;

    /** Set by bin/kuke when stderr is a terminal (Java 17 cannot tell for stderr alone). */
    static final String TERMINAL_PROPERTY = "kuke.stderr.terminal";

    private final Function<String, String> env;
    /** kuke is this JVM (its main ran): signals may be taken over. Not so where it runs inside another program (a test). */
    private static volatile boolean ownsProcess;

    private final InputStream stdin;
    private final boolean terminal;
    private final OutputStream rawOut;
    private final OutputStream rawErr;

    private Kuke(Function<String, String> env, InputStream stdin, boolean terminal, OutputStream rawOut, OutputStream rawErr) {
        this.env = env;
        this.stdin = stdin;
        this.terminal = terminal;
        this.rawOut = rawOut;
        this.rawErr = rawErr;
    }

    public static void main(String[] args) {
        int code;
        try {
            QuietLogging.wanted = true;
            PrintWriter out = new PrintWriter(System.out, true);
            PrintWriter err = new PrintWriter(System.err, true);
            ownsProcess = true;
            code = run(args, out, err, System::getenv, System.in, Boolean.getBoolean(TERMINAL_PROPERTY), System.out, System.err);
            out.flush();
            err.flush();
        } catch (Throwable t) {
            // a broken installation (missing jar) must still fail in one line
            System.err.println("kuke: " + ErrorLine.oneLine(String.valueOf(t)));
            code = FAILED;
        }
        System.exit(code);
    }

    /** Runs one command line with stderr not a terminal (no progress output). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env, InputStream stdin) {
        return run(args, out, err, env, stdin, false);
    }

    /**
     * Runs one command line; what {@link #main} does, with the world passed in.
     *
     * @param terminal stderr is a terminal: long work shows its progress there
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env, InputStream stdin,
                          boolean terminal) {
        return run(args, out, err, env, stdin, terminal, new TextOutputStream(out), new TextOutputStream(err));
    }

    /**
     * Runs one command line, with byte streams for what passes through kuke unchanged (an exec's
     * output): {@code rawOut} and {@code out} are the same stdout, {@code out} flushed before a raw write.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env, InputStream stdin,
                          boolean terminal, OutputStream rawOut, OutputStream rawErr) {
        Kuke kuke = new Kuke(env, stdin, terminal, rawOut, rawErr);
        CommandLine cl = commandLine(kuke, invokedCommand(args));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Kuke::usageError);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (stoppedByInterrupt(e)) {
                return OK;
            }
            Settings s;
            try {
                s = kuke.settings();
            } catch (KukeonException unusable) {
                // the settings themselves are wrong (a context that is not there): that is the error
                line.getErr().println(ErrorLine.of(unusable, null, null));
                return FAILED;
            }
            line.getErr().println(ErrorLine.of(e, s.host(), s.tokenProblem()));
            return FAILED;
        });
        try {
            return cl.execute(args);
        } catch (RuntimeException | Error e) {
            // picocli's own failures (e.g. printing help to a closed pipe): still one line
            err.println("unexpected error: " + ErrorLine.oneLine(String.valueOf(e)));
            return FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** kuke with every command, as help, completion scripts and man pages describe it. */
    static CommandLine model() {
        return commandLine(new Kuke(System::getenv, InputStream.nullInputStream(), false, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream()), null);
    }

    /** kuke with the command {@code invoked} alone, or with all of them when null. */
    private static CommandLine commandLine(Kuke kuke, Class<?> invoked) {
        CommandLine cl = new CommandLine(kuke);
        for (Class<?> c : COMMANDS) {
            if (invoked == null || invoked == c) {
                cl.addSubcommand(instantiate(c));
            }
        }
        return cl;
    }

    @Spec
    CommandSpec spec;

    /** {@code kuke} alone: the usage on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    Settings settings() {
        return settings(host, tokenFile);
    }

    /** The settings with {@code --host} and {@code --token-file} as given (null: as kuke's own). */
    Settings settings(String hostFlag, String tokenFileFlag) {
        return Settings.resolve(hostFlag != null ? hostFlag : host, tokenFileFlag != null ? tokenFileFlag : tokenFile,
                new Settings.TlsFlags(caFile, certFile, keyFile), context, env);
    }

    DaemonConnection connect() {
        return connect(settings());
    }

    static DaemonConnection connect(Settings s) {
        return s.socket() != null ? DaemonConnection.overSocket(s.host(), s.socket())
                : DaemonConnection.overTcp(s.host(), s.token(), s.tls());
    }

    InputStream stdin() {
        return stdin;
    }

    /** kuke's environment (a test's map in tests). */
    Function<String, String> env() {
        return env;
    }

    boolean terminal() {
        return terminal;
    }

    boolean ownsProcess() {
        return ownsProcess;
    }

    OutputStream rawOut() {
        return rawOut;
    }

    OutputStream rawErr() {
        return rawErr;
    }

    /** The command the first word names (options of kuke itself skipped); null when unknown or it needs them all. */
    static Class<?> invokedCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--host") || a.equals("--token-file")) {
                i++;
                continue;
            }
            if (a.startsWith("-")) {
                continue;
            }
            for (Class<?> c : COMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (command.name().equals(a) || List.of(command.aliases()).contains(a)) {
                    return c == CompletionCommand.class || c == CompleteCommand.class ? null : c;
                }
            }
            return null;
        }
        return null;
    }

    /**
     * A stream followed until interrupted (-f, -w) has done what was asked when it is. Ctrl-C ends
     * the JVM before this; an interrupt is how a program that runs kuke in its own JVM stops it.
     */
    private static boolean stoppedByInterrupt(Exception e) {
        return Thread.currentThread().isInterrupted() && e instanceof io.grpc.StatusRuntimeException s
                && s.getStatus().getCode() == io.grpc.Status.Code.CANCELLED;
    }

    private static Object instantiate(Class<?> c) {
        try {
            var constructor = c.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + c.getSimpleName(), e);
        }
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && cl.getSubcommands().size() > 0
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "' for '" + cl.getCommandSpec().qualifiedName() + "'";
        }
        cl.getErr().println(ErrorLine.oneLine(message) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    /** {@code kuke --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kuke " + io.kukeon.build.BuildInfo.describe()};
        }
    }
}
