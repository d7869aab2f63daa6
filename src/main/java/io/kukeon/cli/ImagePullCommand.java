package io.kukeon.cli;

import io.kukeon.model.Names;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.PullImageProgress;
import io.kukeon.wire.v1.PullImageRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Iterator;

/**
 * Pulls an image into a realm through kukeond, as a cell's start would (the realm's registry
 * logins, its registry's pull slots): progress on a terminal, one line at the end.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Pull an image from its registry into a realm, with the realm's registry credentials.",
        footer = {"%nExamples:",
                "  # busybox (docker.io/library/busybox:latest) into realm default",
                "  kuke image pull busybox",
                "  # from a private registry into realm demo, printing only the digest",
                "  kuke image pull registry.example.com:5000/team/app:1.2 --realm demo -q"})
final class ImagePullCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image reference, e.g. busybox or host:5000/repo/name:tag.")
    String image;

    @Option(names = "--realm", defaultValue = "default", paramLabel = "REALM", description = "Realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image's digest; no progress.")
    boolean quiet;

    @Override
    int run(DaemonConnection daemon) {
        Names.require("--realm", realm);
        ProgressLine line = new ProgressLine(err(), kuke().terminal() && !quiet);
        Image pulled = null;
        try {
            Iterator<PullImageProgress> progress = daemon.streams().pullImage(PullImageRequest.newBuilder()
                    .setRealm(realm).setImage(image).build());
            while (progress.hasNext()) {
                PullImageProgress p = progress.next();
                if (p.hasImage()) {
                    pulled = p.getImage();
                } else {
                    line.show("pulling " + image + ": " + (p.getWaiting().isEmpty()
                            ? Sizes.progress(p.getDoneBytes(), p.getTotalBytes()) : p.getWaiting()));
                }
            }
        } finally {
            line.clear();
        }
        if (pulled == null) {
            throw new IllegalStateException("kukeond ended the pull of " + image + " without saying which image it pulled");
        }
        out().println(quiet ? pulled.getDigest() : "Pulled " + pulled.getName() + " ("
                + ImageListCommand.shortDigest(pulled.getDigest()) + ", " + Sizes.of(pulled.getSize()) + ") into realm \""
                + realm + "\"");
        return 0;
    }
}
