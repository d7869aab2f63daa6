package io.kukeon.api;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Names;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.registry.ImageReference;
import io.kukeon.secrets.FileModes;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.ListImagesResponse;
import io.kukeon.wire.v1.LoadImageResponse;
import io.kukeon.wire.v1.PullImageProgress;
import io.kukeon.wire.v1.PullImageRequest;
import io.kukeon.wire.v1.RemoveImagesRequest;
import io.kukeon.wire.v1.RemoveImagesResponse;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** Image pull (from a registry), load (an uploaded OCI archive) and list (with the cells that use each), in a realm's containerd namespace. */
public final class ImageService {
    /** How often a PullImage call's progress is sampled (and at most sent). */
    static final Duration PROGRESS_EVERY = Duration.ofMillis(200);
    /** How long a PullImage may take: long enough for a big image on a slow link, not for ever. */
    public static final Duration PULL_DEADLINE = Duration.ofHours(1);
    /** Images one RemoveImages call may name. */
    static final int MAX_REMOVED = 1000;

    private final ContainerRuntime runtime;
    private final ObjectIndex index;
    private final HostIds ids;
    private final Path uploads;
    private final ActorSystem<?> system;
    private final Executor imports;
    private final Executor reads;
    private final PullSlots pullSlots;
    private final Duration pullDeadline;

    /**
     * @param imports      the pool an uploaded archive is imported on, and a pull runs on (that of image pulls)
     * @param reads        the pool image lists run on
     * @param pullSlots    the slots cells' pulls take too
     * @param pullDeadline how long a PullImage may take, its wait for a slot included
     */
    public ImageService(ContainerRuntime runtime, ObjectIndex index, HostIds ids, Path uploads, ActorSystem<?> system,
                        Executor imports, Executor reads, PullSlots pullSlots, Duration pullDeadline) {
        this.runtime = runtime;
        this.index = index;
        this.ids = ids;
        this.uploads = uploads;
        this.system = system;
        this.imports = imports;
        this.reads = reads;
        this.pullSlots = pullSlots;
        this.pullDeadline = pullDeadline;
    }

    /**
     * Pulls the image into the realm as a cell's start does: its namespace and logins (as the realm
     * holds them, {@link RealmAccess}), a slot of its registry host. The latest progress is sampled
     * every {@link #PROGRESS_EVERY} and sent when it changed; the image comes last. A call that ends
     * early (the client went away, the deadline passed) gives up its wait for a slot; a pull that
     * runs already goes on (what it fetched serves the next pull).
     */
    Source<PullImageProgress, NotUsed> pull(PullImageRequest in) {
        String realm = in.getRealm().isEmpty() ? "default" : in.getRealm();
        ImageReference reference = ImageReference.parse(in.getImage());
        String image = reference.toString();
        RealmAccess access = accessOf(realm);
        AtomicReference<PullImageProgress> latest = new AtomicReference<>(PullImageProgress.getDefaultInstance());
        PullProgress progress = new PullProgress() {
            @Override
            public void bytes(long done, long total) {
                latest.set(PullImageProgress.newBuilder().setDoneBytes(done).setTotalBytes(total).build());
            }

            @Override
            public void waiting(String why) {
                latest.set(PullImageProgress.newBuilder().setWaiting(why).build());
            }
        };
        CompletableFuture<ImageInfo> pulled = pullSlots.run(reference.domain(),
                () -> runtime.ensureImage(access.namespace(), image, access.credentials(), progress), imports, progress);
        CompletableFuture<PullImageProgress> last = pulled.thenApply(info -> PullImageProgress.newBuilder()
                        .setDoneBytes(info.size()).setTotalBytes(info.size()).setImage(toProto(info)).build())
                .orTimeout(pullDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    // a pull still waiting for a slot leaves the queue before the caller hears why, so an
                    // immediate retry finds its place free (the stream's end, below, cancels it too late)
                    pulled.cancel(false);
                    throw ErrorMapping.unwrap(error) instanceof TimeoutException ? new RuntimeFailure("PullTimedOut",
                            "the pull of " + image + " into realm \"" + realm + "\" did not finish within "
                                    + PullSlots.readable(pullDeadline)) : new CompletionException(ErrorMapping.unwrap(error));
                });
        PullImageProgress[] sent = {PullImageProgress.getDefaultInstance()};
        Source<PullImageProgress, NotUsed> changes = Source.tick(PROGRESS_EVERY, PROGRESS_EVERY, NotUsed.getInstance())
                .map(tick -> latest.get())
                .filter(p -> !p.equals(sent[0]))
                .map(p -> sent[0] = p)
                .mapMaterializedValue(tick -> NotUsed.getInstance());
        return changes.merge(Source.completionStage(last), true)
                .takeWhile(p -> !p.hasImage(), true)
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, error) -> pulled.cancel(false));
                    return mat;
                });
    }

    CompletionStage<LoadImageResponse> load(Source<ImageChunk, NotUsed> chunks) {
        Path file;
        OutputStream out;
        try {
            FileModes.createPrivateDirectories(uploads);
            file = Files.createTempFile(uploads, "image-", ".tar");
            out = Files.newOutputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicReference<String> realm = new AtomicReference<>();
        return chunks.runForeach(chunk -> {
                    if (realm.get() == null) {
                        realm.set(chunk.getRealm().isEmpty() ? "default" : chunk.getRealm());
                    }
                    chunk.getData().writeTo(out);
                }, system)
                .thenApplyAsync(done -> {
                    close(out);
                    String namespace = namespaceOf(realm.get() == null ? "default" : realm.get());
                    return runtime.loadImage(namespace, file);
                }, imports)
                .handle((images, error) -> {
                    close(out);
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // an upload left behind is removed at the next start
                    }
                    if (error != null) {
                        throw error instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(error);
                    }
                    return LoadImageResponse.newBuilder().addAllImages(toProto(images)).build();
                });
    }

    CompletionStage<ListImagesResponse> list(String realm) {
        String name = realm.isEmpty() ? "default" : realm;
        String namespace = namespaceOf(name);
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Set<String>> users = cellsByImage(name);
            return ListImagesResponse.newBuilder().addAllImages(runtime.listImages(namespace).stream()
                    .map(i -> toProto(i).addAllUsedBy(users.getOrDefault(i.name(), Set.of())).build()).toList()).build();
        }, reads);
    }

    /**
     * Removes the images named, or the unused ones; every image named is checked (present, unused or
     * forced) before any is removed.
     */
    CompletionStage<RemoveImagesResponse> remove(RemoveImagesRequest in) {
        String realm = in.getRealm().isEmpty() ? "default" : in.getRealm();
        String namespace = namespaceOf(realm);
        if (in.getUnused() == (in.getNamesCount() > 0)) {
            throw new InvalidArgumentException("names", "name the images to remove, or ask for the unused ones; one of the two");
        }
        if (in.getNamesCount() > MAX_REMOVED) {
            throw new InvalidArgumentException("names", in.getNamesCount() + " images; at most " + MAX_REMOVED + " a call");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < in.getNamesCount(); i++) {
            names.add(ImageReference.parse(in.getNames(i)).toString());
        }
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Set<String>> users = cellsByImage(realm);
            Map<String, ImageInfo> present = new LinkedHashMap<>();
            runtime.listImages(namespace).forEach(i -> present.put(i.name(), i));
            List<ImageInfo> chosen = new ArrayList<>();
            if (in.getUnused()) {
                present.values().stream().filter(i -> !users.containsKey(i.name())).forEach(chosen::add);
            }
            for (String name : names) {
                ImageInfo image = present.get(name);
                if (image == null) {
                    throw new NotFoundException("image \"" + name + "\" not found in realm \"" + realm + "\"", Kind.REALM);
                }
                if (users.containsKey(name) && !in.getForce()) {
                    throw new FailedPreconditionException("ImageInUse", "image \"" + name + "\" is used by cell "
                            + String.join(", ", users.get(name)) + " (--force removes it anyway)");
                }
                chosen.add(image);
            }
            RemoveImagesResponse.Builder out = RemoveImagesResponse.newBuilder();
            for (ImageInfo image : chosen) {
                runtime.removeImage(namespace, image.name());
                out.addRemoved(toProto(image)).setFreedBytes(out.getFreedBytes() + image.size());
            }
            return out.build();
        }, imports);
    }

    /** The paths of the realm's cells by the images their containers run, each named as pulled (normalized). */
    private Map<String, Set<String>> cellsByImage(String realm) {
        Map<String, Set<String>> users = new HashMap<>();
        for (TreeObject o : index.list(Kind.CELL, ObjectPath.of(realm), labels -> true)) {
            TreeObject.Cell cell = (TreeObject.Cell) o;
            for (ContainerSpec c : cell.spec().containers()) {
                users.computeIfAbsent(pulledName(c.image()), k -> new TreeSet<>()).add(cell.path().toString());
            }
        }
        return users;
    }

    private static String pulledName(String image) {
        try {
            return ImageReference.normalize(image);
        } catch (InvalidArgumentException unreadable) {
            return image;
        }
    }

    private String namespaceOf(String realm) {
        return accessOf(realm).namespace();
    }

    /** The realm's namespace and registry logins, as its actor last published them. */
    private RealmAccess accessOf(String realm) {
        Names.require("realm", realm);
        TreeObject o = index.get(ObjectPath.of(realm)).orElseThrow(() -> new NotFoundException(Kind.REALM, ObjectPath.of(realm)));
        if (!(o instanceof TreeObject.Realm r)) {
            throw new InvalidArgumentException("realm", realm + " is not a realm");
        }
        return new RealmAccess(r.spec().namespaceOn(ids, realm), r.spec().registryCredentials());
    }

    private static List<Image> toProto(List<ImageInfo> images) {
        return images.stream().map(i -> toProto(i).build()).toList();
    }

    private static Image.Builder toProto(ImageInfo i) {
        return Image.newBuilder().setName(i.name()).setDigest(i.digest()).setSize(i.size());
    }

    private static void close(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing twice or after a failed write: nothing left to do
        }
    }
}
