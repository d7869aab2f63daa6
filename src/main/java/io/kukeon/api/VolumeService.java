package io.kukeon.api;

import io.kukeon.manifest.VolumeDocument;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.StoredVolume;
import io.kukeon.model.VolumeScope;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.supervisor.VolumeIndex;
import io.kukeon.volumes.VolumeDirectories;
import io.kukeon.wire.v1.DeleteVolumeRequest;
import io.kukeon.wire.v1.DeleteVolumeResponse;
import io.kukeon.wire.v1.ListVolumesRequest;
import io.kukeon.wire.v1.ListVolumesResponse;
import io.kukeon.wire.v1.PutVolumeRequest;
import io.kukeon.wire.v1.PutVolumeResponse;
import io.kukeon.wire.v1.VolumeInfo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Volumes through the API: a put or a delete goes to the actor of the holding scope, a list is read
 * from the {@link VolumeIndex}, with each volume's users from the object index and its size walked
 * on disk within bounds.
 */
final class VolumeService {
    /** Volumes one list answers at most (64 per scope; a narrower scope lists fewer). */
    /** The bounds of a size: entries walked and time spent per volume, and time spent per list. */
    static final int SIZE_MAX_ENTRIES = 100_000;
    static final Duration SIZE_MAX_TIME = Duration.ofSeconds(1);
    static final Duration LIST_SIZE_MAX_TIME = Duration.ofSeconds(5);

    private final SupervisorTree tree;
    private final ObjectIndex objects;
    private final VolumeIndex volumes;
    private final VolumeDirectories directories;
    private final Executor reads;

    VolumeService(SupervisorTree tree, ObjectIndex objects, VolumeIndex volumes, VolumeDirectories directories,
                  Executor reads) {
        this.reads = reads;
        this.tree = tree;
        this.objects = objects;
        this.volumes = volumes;
        this.directories = directories;
    }

    CompletionStage<PutVolumeResponse> put(PutVolumeRequest in) {
        ObjectPath scope = VolumeScope.parse("scope", in.getScope());
        String name = VolumeScope.requireName("name", in.getName());
        ReclaimPolicy policy = ReclaimPolicy.parse("reclaimPolicy", in.getReclaimPolicy());
        return put(new VolumeDocument(scope, name, policy))
                .thenApply(outcome -> PutVolumeResponse.newBuilder().setOutcome(outcome)
                        .setVolume(info(scope, name, volumes.get(scope, name).orElse(null), null)).build());
    }

    /** Puts the volume; the outcome as apply says it: created, updated or unchanged. */
    CompletionStage<String> put(VolumeDocument volume) {
        return tree.ask(volume.scope(), replyTo -> new ObjectCommand.PutVolume(volume.name(), volume.reclaimPolicy(), replyTo))
                .thenApply(reply -> reply.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** Whether applying the document would change anything (a dry run): from the index, no actor asked. */
    String wouldPut(VolumeDocument volume) {
        StoredVolume stored = volumes.get(volume.scope(), volume.name()).orElse(null);
        if (stored == null) {
            return "created";
        }
        return stored.reclaimPolicy() == volume.reclaimPolicy() ? "unchanged" : "updated";
    }

    CompletionStage<ListVolumesResponse> list(ListVolumesRequest in) {
        ObjectPath scope = in.getScope().isEmpty() ? null : VolumeScope.parse("scope", in.getScope());
        String name = in.getName().isEmpty() ? null : VolumeScope.requireName("name", in.getName());
        // the sizes are walked on disk: on the reads pool, never on the thread that answered requireExists
        return KukeonService.requireExists(scope, objects, tree).thenApplyAsync(v -> {
            List<VolumeIndex.Entry> found = HeldListing.matching(volumes.list(scope), VolumeIndex.Entry::scope,
                    VolumeIndex.Entry::name, scope, name, "volumes", () -> NotFoundException.volume(name, scope));
            ListVolumesResponse.Builder out = ListVolumesResponse.newBuilder();
            long deadline = System.nanoTime() + LIST_SIZE_MAX_TIME.toNanos();
            for (VolumeIndex.Entry e : found) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                VolumeDirectories.DiskUsage usage = directories.usage(e.scope(), e.name(), SIZE_MAX_ENTRIES,
                        left.compareTo(SIZE_MAX_TIME) < 0 ? left : SIZE_MAX_TIME);
                out.addVolumes(info(e.scope(), e.name(), e.volume(), usage));
            }
            return out.build();
        }, reads);
    }

    CompletionStage<DeleteVolumeResponse> delete(DeleteVolumeRequest in) {
        ObjectPath scope = VolumeScope.parse("scope", in.getScope());
        String name = VolumeScope.requireName("name", in.getName());
        return tree.ask(scope, replyTo -> new ObjectCommand.RemoveVolume(name, replyTo))
                .thenApply(reply -> DeleteVolumeResponse.newBuilder().addAllDeleted(reply.deleted()).build());
    }

    /** @param usage null: not walked (a put's answer) */
    private VolumeInfo info(ObjectPath scope, String name, StoredVolume stored, VolumeDirectories.DiskUsage usage) {
        VolumeInfo.Builder info = VolumeInfo.newBuilder().setScope(scope.toString()).setName(name)
                .setDirectory(directories.dir(scope, name).toString());
        if (stored != null) {
            info.setReclaimPolicy(stored.reclaimPolicy().name()).setCreatedAt(stored.createdAt().toString())
                    .setUpdatedAt(stored.updatedAt().toString());
        }
        if (usage != null) {
            info.setSizeBytes(usage.bytes()).setSizeComplete(usage.complete());
        }
        volumes.users(objects, scope, name).forEach(u -> info.addUsers(u.cell() + " (" + u.state() + ")"));
        return info.build();
    }
}
