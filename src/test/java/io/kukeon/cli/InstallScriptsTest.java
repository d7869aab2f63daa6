package io.kukeon.cli;

import io.kukeon.build.BuildInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/install.sh and scripts/uninstall.sh on a build tree laid out as mvn package lays it out
 * (kuke's classpath, the task logger, the shell files, kukeond.conf), into a temporary prefix,
 * sysconfdir and unit dir: the installed unit passes systemd-analyze verify (which the host must
 * have: package systemd), the installed kuke runs, and uninstall leaves only what it says it keeps.
 */
@Tag("systemd")
class InstallScriptsTest {
    private static final Path PROJECT = Path.of(System.getProperty("kukeon.projectDir", ".")).toAbsolutePath();

    @Test
    void installVerifyRunUninstall(@TempDir Path dir) throws Exception {
        Path tree = buildTree(dir.resolve("src"));
        Path root = dir.resolve("root");
        Path prefix = root.resolve("opt/kukeon");
        Path etc = root.resolve("etc/kukeon");
        Path units = root.resolve("etc/systemd/system");
        List<String> installArgs = List.of(tree.resolve("scripts/install.sh").toString(), "--prefix", prefix.toString(),
                "--sysconfdir", etc.toString(), "--unit-dir", units.toString(), "--no-enable");

        Run installed = run(Map.of(), installArgs);
        assertEquals(0, installed.exit, installed.output);
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            assertTrue(installed.output.contains("systemd does not run on this host"), installed.output);
        }
        for (String file : List.of("bin/kuke", "bin/kukeond", "lib/kukeon-logger", "scripts/uninstall.sh")) {
            assertTrue(Files.isExecutable(prefix.resolve(file)), file);
        }
        for (String file : List.of("lib/kukeon.jar", "lib/kuke.classpath", "conf/kukeond.jvm", "completion/kuke.bash",
                "completion/_kuke", "README.md")) {
            assertTrue(Files.isRegularFile(prefix.resolve(file)), file);
        }
        Path bin = root.resolve("opt/bin");
        assertEquals(prefix.resolve("bin/kuke"), Files.readSymbolicLink(bin.resolve("kuke")));
        assertEquals(prefix.resolve("bin/kukeond"), Files.readSymbolicLink(bin.resolve("kukeond")));
        assertEquals(Files.readString(tree.resolve("target/dist/conf/kukeond.conf")), Files.readString(etc.resolve("kukeond.conf")));

        // the unit names the installed paths, which exist: systemd-analyze verify passes
        Path unit = units.resolve("kukeond.service");
        String unitText = Files.readString(unit);
        assertTrue(unitText.contains("\nExecStart=" + prefix + "/bin/kukeond --config " + etc + "/kukeond.conf\n"), unitText);
        assertTrue(unitText.contains("\nDelegate=yes\n") && unitText.contains("\nKillMode=process\n"), unitText);
        assertFalse(unitText.contains("=/opt/kukeon/") || unitText.contains(" /etc/kukeon/") || unitText.contains("file:///opt/"),
                "no default path left: " + unitText);
        Run verified = run(Map.of(), List.of("systemd-analyze", "verify", unit.toString()));
        assertEquals(0, verified.exit, verified.output);
        // systemd before 254 does not know DelegateSubgroup= (and ignores it): the one line it may say
        assertTrue(verified.output.isEmpty() || verified.output.matches(
                "\\S*kukeond\\.service:\\d+: Unknown key (name )?'DelegateSubgroup' in section \\[Service\\], ignoring\\.\\n"),
                verified.output);

        // the installed kuke, through its link, from its own lib/
        Run version = run(Map.of(), List.of(bin.resolve("kuke").toString(), "--version"));
        assertEquals(0, version.exit, version.output);
        assertEquals("kuke " + BuildInfo.describe() + "\n", version.output);
        Run noDaemon = run(Map.of("KUKEON_HOST", "127.0.0.1:1"), List.of(bin.resolve("kuke").toString(), "version"));
        assertEquals(1, noDaemon.exit, noDaemon.output);
        assertTrue(noDaemon.output.startsWith("Client: kuke " + BuildInfo.describe() + "\n"), noDaemon.output);
        Run completion = run(Map.of(), List.of("bash", "-c", "source " + prefix.resolve("completion/kuke.bash") + " && complete -p kuke"));
        assertEquals(0, completion.exit, completion.output);

        // installing again keeps the settings a person wrote
        String mine = Files.readString(etc.resolve("kukeond.conf")).replace("  #data-dir = \"/var/lib/kukeon\"", "  data-dir = \"/srv/kukeon\"");
        assertTrue(mine.contains("\n  data-dir = \"/srv/kukeon\"\n"), mine);
        Files.writeString(etc.resolve("kukeond.conf"), mine);
        Run again = run(Map.of(), installArgs);
        assertEquals(0, again.exit, again.output);
        assertTrue(again.output.contains(etc.resolve("kukeond.conf") + " exists: kept as it is"), again.output);
        assertEquals(mine, Files.readString(etc.resolve("kukeond.conf")));

        Run removed = run(Map.of(), List.of(prefix.resolve("scripts/uninstall.sh").toString(), "--prefix", prefix.toString(),
                "--sysconfdir", etc.toString()));
        assertEquals(0, removed.exit, removed.output);
        assertTrue(removed.output.contains(etc.resolve("kukeond.conf").toString()), removed.output);
        assertTrue(removed.output.contains("rm -rf /srv/kukeon"), "the data dir of the settings: " + removed.output);
        assertTrue(removed.output.contains("kuke delete realm NAME --cascade"), removed.output);
        try (Stream<Path> left = Files.walk(root)) {
            assertEquals(List.of(etc.resolve("kukeond.conf")), left.filter(p -> !Files.isDirectory(p)).toList(),
                    "only the settings are left");
        }
        assertFalse(Files.exists(prefix));
    }

    /** A build tree as mvn package leaves it, the jars being kuke's only (the installed kukeond is not run). */
    private static Path buildTree(Path tree) throws Exception {
        for (String file : List.of("bin/kuke", "bin/kukeond", "conf/kukeond.jvm", "conf/kukeond.service", "scripts/install.sh",
                "scripts/uninstall.sh", "scripts/kukeond-cds.sh", "README.md")) {
            Files.createDirectories(tree.resolve(file).getParent());
            Files.copy(PROJECT.resolve(file), tree.resolve(file), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        KukeHome.clientOnly(tree);
        Files.createSymbolicLink(tree.resolve("target/kukeon-logger"), PROJECT.resolve("target/kukeon-logger"));
        ShellFiles.write(tree.resolve("target/dist"));
        Run conf = run(Map.of(), List.of("sh", PROJECT.resolve("scripts/lib/commented-defaults.sh").toString(),
                PROJECT.resolve("conf/application.conf").toString(), tree.resolve("target/dist/conf/kukeond.conf").toString()));
        assertEquals(0, conf.exit, conf.output);
        return tree;
    }

    private record Run(int exit, String output) {}

    private static Run run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("KUKEON_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("KUKEON_CDS", "off");
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), output);
    }
}
