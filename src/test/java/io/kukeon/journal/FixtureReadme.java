package io.kukeon.journal;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The fixture's README: how it was made, and what it holds, from the rows and from the replay. */
final class FixtureReadme {
    private FixtureReadme() {}

    static String of(String name, Path fixture, JsonNode replayed) {
        List<JsonNode> events = JournalRows.read(fixture, "event_journal");
        List<JsonNode> snapshots = JournalRows.read(fixture, "snapshot");
        Map<String, Integer> perId = new TreeMap<>();
        TreeSet<String> manifests = new TreeSet<>();
        events.forEach(e -> {
            perId.merge(e.get("persistence_id").asText(), 1, Integer::sum);
            manifests.add(e.get("event_ser_manifest").asText() + " (event)");
        });
        Map<String, List<String>> snapshotted = new TreeMap<>();
        snapshots.forEach(s -> {
            snapshotted.computeIfAbsent(s.get("persistence_id").asText(), k -> new ArrayList<>())
                    .add("#" + s.get("sequence_number").asText());
            manifests.add(s.get("snapshot_ser_manifest").asText() + " (snapshot)");
        });

        StringBuilder out = new StringBuilder();
        out.append("# Journal fixture ").append(name).append("\n\n");
        out.append("""
                Written by `io.kukeon.journal.JournalFixtureRecorder` (its javadoc says how to record
                another) with the release named in the folder: an in-process kukeond on fake ports
                (`FakeRuntime`, `FakeCgroups`), driven only through the gRPC API, configured by
                `kukeond.conf`: snapshots every 3 events, and restart delays of 6000 days so that an owed
                restart stays owed when the fixture is replayed years later (until about 2043). Pekko's
                scheduler refuses a delay over 2^31 ticks (about 248 days at its default 10 ms tick, and
                a container actor that asks for more fails at every recovery), hence a tick of 250 ms,
                whose limit is 17 years. The daemon was restarted once in the middle and stopped at the
                end while a cell's start and another cell's delete were in flight.
                `JournalFixtureReplayTest` loads these rows into a fresh journal,
                replays them with `fake-runtime.tsv` as containerd's state, and compares what the API
                shows with `expected.json`, which the recorder wrote from two replays that agreed.

                | file | what |
                |---|---|
                | `event_journal.jsonl`, `event_tag.jsonl`, `snapshot.jsonl` | every row of the table, one JSON object a line; blobs in base64; `_…_as_json` is the blob decoded from CBOR, for reading only (never loaded) |
                | `fake-runtime.tsv` | the `FakeRuntime` state file: namespaces, containers and tasks, the next pid |
                | `kukeond.conf` | the daemon configuration of the recording and of every replay |
                | `expected.json` | after a replay: every object (List of each kind, spec and status; times the replay wrote and usage left out), every object's History, the journal's events through Watch |

                The one registry password (`fake-password-not-a-secret`, realm `main`) is not a secret.

                Intents without outcome at the end of the journal, carried out by a replay:
                - `main/apps/batch/starting`: the cell's `StartRequested` and its container `slow`'s
                  `StartRequested`, no `Started`/`TaskStarted` (the fake started the task after the
                  daemon stopped): a replay finds the task running and the cell Ready.
                - `main/apps/batch/leaving`: the cell's `DeleteRequested` and its container `slow`'s
                  `DeleteRequested`, no `Deleted` (the fake deleted the container meanwhile): a replay
                  finishes the delete, and the cell is gone.

                ## Objects after a replay

                | kind | path | state | reason | generation | containers |
                |---|---|---|---|---|---|
                """);
        replayed.get("objects").fields().forEachRemaining(f -> {
            if (f.getKey().startsWith("Container ")) {
                return;
            }
            JsonNode o = f.getValue();
            StringBuilder containers = new StringBuilder();
            o.path("status").path("containers").forEach(c -> containers.append(containers.isEmpty() ? "" : ", ")
                    .append(c.path("name").asText()).append(" ").append(c.path("state").asText())
                    .append(c.path("restartCount").asInt() > 0 ? " (restarts: " + c.path("restartCount").asInt() + ")" : "")
                    .append(c.path("nextRestartAt").asText().isEmpty() ? "" : " (restart owed)")
                    .append(c.path("reason").asText().isEmpty() ? "" : " (" + c.path("reason").asText() + ")"));
            String[] kindPath = f.getKey().split(" ", 2);
            out.append("| ").append(kindPath[0]).append(" | `").append(kindPath[1]).append("` | ")
                    .append(o.path("status").path("state").asText()).append(" | ")
                    .append(o.path("status").path("reason").asText()).append(" | ")
                    .append(o.path("metadata").path("generation").asText()).append(" | ")
                    .append(containers).append(" |\n");
        });
        out.append("\nDeleted before the end, history only: cell `main/apps/batch/gone` (and its containers), ")
                .append("realm `old` with `old/s`, `old/s/t`, `old/s/t/c`, `old/s/t/c/app`, `old/s/t/c/root`; ")
                .append("container `b` of `main/apps/batch/updated` (removed from its spec). Realm `stuck` failed to be ")
                .append("deleted while containerd was away (`RealmDeleteFailed`) and was provisioned again; container ")
                .append("`main/apps/batch/ops/main` was restarted and `main/apps/batch/ops/side` stopped, on their own.\n");

        out.append("\n## Rows\n\n").append(events.size()).append(" events of ").append(perId.size())
                .append(" persistence ids, ").append(snapshots.size()).append(" snapshots of ")
                .append(snapshotted.size()).append(".\n\n| persistence id | events | snapshots |\n|---|---|---|\n");
        perId.forEach((id, n) -> out.append("| `").append(id.replace("|", "\\|")).append("` | ").append(n).append(" | ")
                .append(String.join(", ", snapshotted.getOrDefault(id, List.of()))).append(" |\n"));
        out.append("\n## Serializer manifests (Jackson CBOR, serializer id 33)\n\n");
        manifests.forEach(m -> out.append("- `").append(m.replace(" (", "` (")).append("\n"));
        return out.toString();
    }
}
