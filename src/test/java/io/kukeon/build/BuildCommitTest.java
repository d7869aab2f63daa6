package io.kukeon.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/lib/build-commit.sh, which the build runs, and what {@link BuildInfo} reads of it. */
class BuildCommitTest {
    private static final Path PROJECT = Path.of(System.getProperty("kukeon.projectDir", ".")).toAbsolutePath();
    private static final Path SCRIPT = PROJECT.resolve("scripts/lib/build-commit.sh");

    @Test
    void aCheckoutGivesItsCommitAndSaysWhenItsTreeIsDirty(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        git(repo, "add", "pom.xml");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first");
        String head = git(repo, "rev-parse", "--short=12", "HEAD").trim();
        assertTrue(head.matches("[0-9a-f]{12}"), head);
        assertEquals(head, commitOf(repo, dir, Map.of()));

        Files.writeString(repo.resolve("pom.xml"), "<project><!-- changed --></project>\n");
        assertEquals(head + "-dirty", commitOf(repo, dir, Map.of()));
        git(repo, "checkout", "-q", "--", "pom.xml");
        Files.writeString(repo.resolve("New.java"), "class New {}\n");
        assertEquals(head + "-dirty", commitOf(repo, dir, Map.of()), "a file not ignored was added");
    }

    @Test
    void outsideGitOrWithoutGitItIsUnknownAndTheBuildGoesOn(@TempDir Path dir) throws Exception {
        Path plain = Files.createDirectories(dir.resolve("unpacked-source"));
        assertEquals("unknown", commitOf(plain, dir, Map.of()));

        // a source tree unpacked inside someone else's checkout is not that checkout's commit
        Path outer = Files.createDirectories(dir.resolve("outer"));
        git(outer, "init", "-q");
        git(outer, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "outer");
        assertEquals("unknown", commitOf(Files.createDirectories(outer.resolve("kukeon-src")), dir, Map.of()));

        // no git on the PATH at all: sh and the coreutils the script needs, nothing else
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("sh", "mkdir", "dirname", "mv", "head", "printf")) {
            Path real = Path.of(run(dir, Map.of(), "sh", "-c", "command -v " + tool).trim());
            if (Files.exists(real)) {
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        assertEquals("unknown", commitOf(PROJECT, dir, Map.of("PATH", bin.toString())));
    }

    @Test
    void thisBuildCarriesTheCommitOfItsCheckout() throws Exception {
        String commit = BuildInfo.commit();
        assertTrue(commit.matches("[0-9a-f]{12}(-dirty)?|unknown"), commit);
        Process p = new ProcessBuilder("git", "-C", PROJECT.toString(), "rev-parse", "--short=12", "HEAD")
                .redirectErrorStream(true).start();
        String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() == 0) {
            assertTrue(commit.startsWith(head), commit + " is the checkout's " + head);
        }
        assertEquals(BuildInfo.version() + " (commit " + commit + ")", BuildInfo.describe());
        assertEquals("1.2 (commit unknown)", BuildInfo.describe("1.2", ""), "an older kukeond sends no commit");
    }

    /** Runs the script on {@code project} and returns the commit it wrote. */
    private static String commitOf(Path project, Path work, Map<String, String> env) throws Exception {
        Path out = work.resolve("out/io/kukeon/build-commit.properties");
        Files.deleteIfExists(out);
        run(work, env, "sh", SCRIPT.toString(), project.toString(), out.toString());
        String written = Files.readString(out);
        assertTrue(written.startsWith("commit=") && written.endsWith("\n"), written);
        return written.substring("commit=".length()).trim();
    }

    private static String git(Path repo, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        return run(repo, Map.of(), command.toArray(String[]::new));
    }

    private static String run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        // the temporary directory's parents are not searched for a repository
        builder.environment().put("GIT_CEILING_DIRECTORIES", dir.getParent().toString());
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }
}
