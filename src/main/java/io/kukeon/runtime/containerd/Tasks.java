package io.kukeon.runtime.containerd;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.GroupStatus;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.runtime.containerd.api.tasks.CreateTaskRequest;
import io.kukeon.runtime.containerd.api.tasks.DeleteResponse;
import io.kukeon.runtime.containerd.api.tasks.DeleteTaskRequest;
import io.kukeon.runtime.containerd.api.tasks.GetRequest;
import io.kukeon.runtime.containerd.api.tasks.KillRequest;
import io.kukeon.runtime.containerd.api.tasks.ListTasksRequest;
import io.kukeon.runtime.containerd.api.tasks.MetricsRequest;
import io.kukeon.runtime.containerd.api.tasks.MetricsResponse;
import io.kukeon.runtime.containerd.api.tasks.StartRequest;
import io.kukeon.runtime.containerd.api.tasks.TasksGrpc;
import io.kukeon.runtime.containerd.api.tasks.WaitRequest;
import io.kukeon.runtime.containerd.api.tasks.WaitResponse;
import io.kukeon.runtime.containerd.api.types.Mount;
import io.kukeon.runtime.containerd.api.types.task.Process;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A container's task: its running init process, created by the shim from the container record. */
final class Tasks {
    private final ContainerdConnection conn;

    Tasks(ContainerdConnection conn) {
        this.conn = conn;
    }

    private TasksGrpc.TasksBlockingStub stub(String namespace) {
        return conn.stub(TasksGrpc::newBlockingStub, namespace, null);
    }

    /** The task's init process, null when the container has no task. */
    Process get(String namespace, String id) {
        return conn.call("get task " + id, () -> {
            try {
                return stub(namespace).get(GetRequest.newBuilder().setContainerId(id).build()).getProcess();
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    List<Process> list(String namespace) {
        return conn.call("list tasks in " + namespace, () -> stub(namespace).list(ListTasksRequest.getDefaultInstance()).getTasksList());
    }

    /**
     * Creates the task (the shim starts, runc creates the process, not yet running) with stdout and
     * stderr going to {@code logUri} (see {@link TaskLog}).
     */
    void create(String namespace, String id, List<Mount> rootfs, String logUri, TaskTerminal terminal) {
        CreateTaskRequest.Builder builder = CreateTaskRequest.newBuilder().setContainerId(id).addAllRootfs(rootfs)
                .setStdout(logUri).setStderr(logUri);
        if (terminal != null) {
            // one stream on a terminal: the shim copies it to the logger's stdout fd
            builder.setTerminal(true).setStdin(terminal.stdin().toAbsolutePath().toString());
        }
        CreateTaskRequest request = builder.build();
        conn.run("create task " + id, () -> {
            try {
                stub(namespace).create(request);
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isAlreadyExists(e)) {
                    throw e;
                }
                // A task left half-deleted (its deleter was killed mid-call: Get no longer shows it,
                // the shim still holds it) is removed, then created again.
                stub(namespace).delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
                stub(namespace).create(request);
            }
        });
    }

    int start(String namespace, String id) {
        return conn.call("start task " + id, () -> stub(namespace).start(StartRequest.newBuilder().setContainerId(id).build()).getPid());
    }

    /** Deletes a stopped task; null when there was none. */
    DeleteResponse delete(String namespace, String id) {
        return conn.call("delete task " + id, () -> {
            try {
                return stub(namespace).delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
            } catch (StatusRuntimeException e) {
                if (ContainerdFailures.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Signals the init process, or with {@code all} every process of the task. A missing task is fine. */
    void kill(String namespace, String id, int signal, boolean all) {
        conn.run("kill task " + id, () -> {
            try {
                stub(namespace).kill(KillRequest.newBuilder().setContainerId(id).setSignal(signal).setAll(all).build());
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }

    /** Waits for the task's exit; null when it is still running at the deadline or there is no task. */
    WaitResponse awaitExit(String namespace, String id, Duration timeout) {
        try {
            return conn.stub(TasksGrpc::newBlockingStub, namespace, null, timeout)
                    .wait(WaitRequest.newBuilder().setContainerId(id).build());
        } catch (StatusRuntimeException e) {
            if (timedOut(e) || ContainerdFailures.isNotFound(e)) {
                return null;
            }
            throw ContainerdFailures.translate("wait for task " + id, conn.socket().toString(), e);
        }
    }

    /** Our deadline, or containerd's copy of it passed on to the shim, which comes back as UNKNOWN. */
    private static boolean timedOut(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getCode() == Status.Code.DEADLINE_EXCEEDED
                || s.getCode() == Status.Code.UNKNOWN && s.getDescription() != null && s.getDescription().contains("deadline exceeded");
    }

    /**
     * Signal, wait up to the timeout, SIGKILL every process when forced and wait again; then
     * delete the task. Returns the final state (NO_TASK when there was none).
     */
    TaskInfo stop(String namespace, String id, StopOptions options) {
        Process p = get(namespace, id);
        if (p == null) {
            delete(namespace, id);   // a delete interrupted half-way may still hold the task: finish it
            return TaskInfo.NO_TASK;
        }
        if (p.getStatus() != io.kukeon.runtime.containerd.api.types.task.Status.STOPPED) {
            kill(namespace, id, options.signal(), false);
            if (awaitExit(namespace, id, options.timeout()) == null) {
                if (!options.force()) {
                    throw new RuntimeFailure("StopTimeout", "task " + id + " did not exit within "
                            + options.timeout().toMillis() + " ms of signal " + options.signal());
                }
                kill(namespace, id, StopOptions.SIGKILL, true);
                awaitExit(namespace, id, conn.config().killGrace());
            }
            Process after = get(namespace, id);
            if (after != null && after.getStatus() != io.kukeon.runtime.containerd.api.types.task.Status.STOPPED) {
                throw new RuntimeFailure("StopFailed", "task " + id + " is still " + after.getStatus() + " after SIGKILL");
            }
        }
        DeleteResponse deleted = delete(namespace, id);
        return deleted == null ? TaskInfo.NO_TASK
                : TaskInfo.stopped((int) deleted.getPid(), (int) deleted.getExitStatus(), instant(deleted.getExitedAt()));
    }

    /** The task's live usage; null when it has no task. */
    GroupStatus.Usage metrics(String namespace, String id) {
        MetricsResponse r = conn.call("metrics of task " + id, () -> stub(namespace)
                .metrics(MetricsRequest.newBuilder().addFilters("id==" + id).build()));
        return r.getMetricsCount() == 0 ? null : TaskMetrics.decode(r.getMetrics(0).getData());
    }

    /** containerd's view of a process as our task state. */
    static TaskInfo info(Process p) {
        return switch (p.getStatus()) {
            case RUNNING -> TaskInfo.running((int) p.getPid());
            case CREATED -> new TaskInfo(TaskInfo.Status.CREATED, (int) p.getPid(), null, null);
            case PAUSED -> new TaskInfo(TaskInfo.Status.PAUSED, (int) p.getPid(), null, null);
            case PAUSING -> new TaskInfo(TaskInfo.Status.PAUSING, (int) p.getPid(), null, null);
            case STOPPED -> TaskInfo.stopped((int) p.getPid(), (int) p.getExitStatus(), instant(p.getExitedAt()));
            default -> new TaskInfo(TaskInfo.Status.UNKNOWN, (int) p.getPid(), null, null);
        };
    }

    static Instant instant(Timestamp t) {
        return t == null || t.getSeconds() <= 0 ? null : Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
