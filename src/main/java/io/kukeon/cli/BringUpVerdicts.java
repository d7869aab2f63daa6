package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.ObjectResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A start answers once its tasks run; whether its workloads stay up for the startup grace (the
 * bring-up) is judged after, by the cell, and its status says when that verdict is due. A command
 * that started cells waits once, until the latest of those times, then reads the cells that were
 * still waiting, so that a cell whose bring-up failed is reported as the failed start it is.
 */
final class BringUpVerdicts {
    /** How long past the latest due time a verdict is waited for (containerd slow to answer, say). */
    static final Duration LONGEST_PAST_DUE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(20);

    private BringUpVerdicts() {}

    /** The started object, as it is once its bring-up is judged (the answer itself when nothing was due). */
    static ObjectResponse judged(DaemonConnection daemon, ObjectResponse answered) {
        if (!pending(answered.getObject())) {
            return answered;
        }
        ObjectDoc judged = judged(daemon, List.of(answered.getObject())).get(answered.getObject().getPath());
        return answered.toBuilder().setObject(judged).build();
    }

    /** The apply's results, with each cell whose bring-up failed since its answer reported as failed. */
    static ApplyResponse judged(DaemonConnection daemon, ApplyResponse answered) {
        List<ObjectDoc> pending = answered.getResultsList().stream().filter(ApplyResult::hasObject)
                .map(ApplyResult::getObject).filter(BringUpVerdicts::pending).toList();
        if (pending.isEmpty()) {
            return answered;
        }
        Map<String, ObjectDoc> judged = judged(daemon, pending);
        ApplyResponse.Builder response = answered.toBuilder();
        for (ApplyResult.Builder result : response.getResultsBuilderList()) {
            ObjectDoc cell = result.hasObject() ? judged.get(result.getObject().getPath()) : null;
            if (cell == null) {
                continue;
            }
            result.setObject(cell);
            if (cell.getStatus().getState().equals("Failed")) {
                result.setOutcome("failed").setErrorKind(cell.getStatus().getReason()).setError(cell.getStatus().getMessage());
            }
        }
        return response.build();
    }

    /** One wait until the latest due time, then each cell read until judged (or given up on, as it is then). */
    private static Map<String, ObjectDoc> judged(DaemonConnection daemon, List<ObjectDoc> pending) {
        Instant latest = pending.stream().map(d -> Instant.parse(d.getStatus().getBringUpDue())).max(Instant::compareTo)
                .orElseThrow();
        Instant givenUp = latest.plus(LONGEST_PAST_DUE);
        sleepUntil(latest);
        Map<String, ObjectDoc> judged = new HashMap<>();
        List<ObjectDoc> waiting = new ArrayList<>(pending);
        while (!waiting.isEmpty()) {
            List<ObjectDoc> still = new ArrayList<>();
            for (ObjectDoc cell : waiting) {
                ObjectDoc now;
                try {
                    now = daemon.calls().get(GetRequest.newBuilder().setKind(cell.getKind()).setPath(cell.getPath())
                            .build()).getObject();
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw e;
                    }
                    continue;   // deleted meanwhile: its start's answer stands
                }
                judged.put(cell.getPath(), now);
                if (pending(now)) {
                    still.add(now);
                }
            }
            waiting = still;
            if (!waiting.isEmpty()) {
                if (Instant.now().isAfter(givenUp)) {
                    break;   // reported as they are: the verdict did not come
                }
                sleepUntil(Instant.now().plus(POLL));
            }
        }
        return judged;
    }

    private static boolean pending(ObjectDoc object) {
        return !object.getStatus().getBringUpDue().isEmpty();
    }

    private static void sleepUntil(Instant when) {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(millis, LONGEST_PAST_DUE.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
