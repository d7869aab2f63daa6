package io.kukeon.cli;

import com.google.protobuf.ByteString;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Sends a manifest to kukeond as it is; kukeond reads, orders and applies it. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Create or update the objects of a manifest (multi-document YAML, apiVersion v1beta1).",
        footer = {"%nExamples:",
                "  # what would change, then change it",
                "  kuke apply -f web.yaml --dry-run && kuke apply -f web.yaml",
                "  # every cell as printed, back: each unchanged",
                "  kuke get cells -o yaml | kuke apply -f -"})
final class ApplyCommand extends DaemonCommand {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "The manifest, or - for stdin.")
    String file;

    @Option(names = "--dry-run", description = "Report what would change; change nothing.")
    boolean dryRun;

    @Override
    int run(DaemonConnection daemon) throws IOException {
        byte[] manifest = read(file, kuke().stdin());
        ApplyResponse response;
        try (PullWatch pulls = PullWatch.watch(daemon, dryRun ? List.of() : cellsOf(manifest),
                new ProgressLine(err(), kuke().terminal()), kuke().terminal())) {
            response = daemon.work().apply(ApplyRequest.newBuilder()
                    .setManifest(ByteString.copyFrom(manifest)).setDryRun(dryRun).build());
        }
        if (!dryRun) {
            response = BringUpVerdicts.judged(daemon, response);   // one wait for the whole manifest
        }
        out().print(ApplyReport.render(response, dryRun));
        return ApplyReport.failures(response) > 0 ? 1 : 0;
    }

    /** The cells a manifest creates or changes, whose image pulls are worth showing. */
    private static List<ObjectPath> cellsOf(byte[] manifest) {
        try {
            return ManifestReader.read(manifest).stream().filter(d -> d.object() != null)
                    .map(d -> d.object().path()).filter(p -> p.kind().depth() >= Kind.CELL.depth())
                    .map(p -> p.ancestor(Kind.CELL)).distinct().toList();
        } catch (RuntimeException unreadable) {
            return List.of();   // kukeond will say what is wrong with it
        }
    }

    /**
     * The manifest's bytes, refused before sending when over the limit kukeond enforces. Read as a
     * stream that stops one byte past the limit, whatever the file is (a device such as /dev/zero,
     * a fifo, a file still growing): its size as the file system reports it proves nothing.
     */
    static byte[] read(String file, InputStream stdin) throws IOException {
        if (file.equals("-")) {
            return atMostOneManifest(stdin, "the manifest on stdin");
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            throw new InvalidArgumentException("--filename", file + " is a directory; give one manifest file");
        }
        try (InputStream in = Files.newInputStream(p)) {
            return atMostOneManifest(in, file);
        }
    }

    private static byte[] atMostOneManifest(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(ManifestReader.MAX_BYTES + 1);
        if (bytes.length > ManifestReader.MAX_BYTES) {
            throw new ResourceExhaustedException(what + " is over " + ManifestReader.MAX_BYTES
                    + " bytes; a manifest is at most " + ManifestReader.MAX_BYTES);
        }
        return bytes;
    }
}
