package io.kukeon.runtime.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.tasks.CloseIORequest;
import io.kukeon.runtime.containerd.api.tasks.DeleteProcessRequest;
import io.kukeon.runtime.containerd.api.tasks.ExecProcessRequest;
import io.kukeon.runtime.containerd.api.tasks.KillRequest;
import io.kukeon.runtime.containerd.api.tasks.ResizePtyRequest;
import io.kukeon.runtime.containerd.api.tasks.StartRequest;
import io.kukeon.runtime.containerd.api.tasks.TasksGrpc;
import io.kukeon.runtime.containerd.api.tasks.WaitRequest;
import io.kukeon.runtime.containerd.api.tasks.WaitResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The extra processes of a task ({@code kuke exec}), each named by its exec ID inside the task. */
final class ExecProcesses {
    static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";

    private final ContainerdConnection conn;

    ExecProcesses(ContainerdConnection conn) {
        this.conn = conn;
    }

    private TasksGrpc.TasksBlockingStub stub(String namespace) {
        return conn.stub(TasksGrpc::newBlockingStub, namespace, null);
    }

    /** Registers the process with the shim (not yet running), its stdio on these pipes ("" = none). */
    void create(String namespace, String id, String execId, String processJson, String stdin, String stdout,
                String stderr, boolean terminal) {
        ExecProcessRequest request = ExecProcessRequest.newBuilder().setContainerId(id).setExecId(execId)
                .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE_URL).setValue(ByteString.copyFrom(processJson, StandardCharsets.UTF_8)))
                .setStdin(stdin).setStdout(stdout).setStderr(stderr).setTerminal(terminal).build();
        conn.run("exec in " + id, () -> stub(namespace).exec(request));
    }

    /**
     * Runs it; the shim answers once it has opened the pipes, so the other ends must be being opened.
     * runc's "not found" and "cannot run" become {@link RuntimeFailure#COMMAND_NOT_FOUND} and
     * {@link RuntimeFailure#COMMAND_CANNOT_RUN}, with runc's words.
     */
    int start(String namespace, String id, String execId) {
        try {
            return stub(namespace).start(StartRequest.newBuilder().setContainerId(id).setExecId(execId).build()).getPid();
        } catch (StatusRuntimeException e) {
            String detail = e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
            String reason = runcReason(detail);
            if (detail.contains("executable file not found") || detail.contains("no such file or directory")) {
                throw new RuntimeFailure(RuntimeFailure.COMMAND_NOT_FOUND, reason, e);
            }
            if (detail.contains("permission denied") || detail.contains("exec format error") || detail.contains("is a directory")) {
                throw new RuntimeFailure(RuntimeFailure.COMMAND_CANNOT_RUN, reason, e);
            }
            throw ContainerdFailures.translate("start exec in " + id, conn.socket().toString(), e);
        }
    }

    /** runc's own words from containerd's "OCI runtime exec failed: exec failed: …: exec: "x": …: unknown". */
    static String runcReason(String detail) {
        int at = detail.lastIndexOf("exec: ");
        String reason = at >= 0 ? detail.substring(at + "exec: ".length()) : detail;
        return reason.endsWith(": unknown") ? reason.substring(0, reason.length() - ": unknown".length()) : reason;
    }

    /**
     * The exit status once the process has ended (no deadline: it may run for days). Cancelling the
     * future ends the wait in containerd too: an attach that detaches leaves no call behind.
     */
    CompletableFuture<Integer> exit(String namespace, String id, String execId) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Context.CancellableContext waiting = Context.current().withCancellation();
        exit.whenComplete((code, failure) -> waiting.cancel(null));
        waiting.run(() -> conn.stub(TasksGrpc::newStub, namespace, null, null).wait(
                WaitRequest.newBuilder().setContainerId(id).setExecId(execId).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(WaitResponse value) {
                        exit.complete(value.getExitStatus());
                    }

                    @Override
                    public void onError(Throwable t) {
                        exit.completeExceptionally(t instanceof StatusRuntimeException
                                ? ContainerdFailures.translate("wait for exec in " + id, conn.socket().toString(), (StatusRuntimeException) t)
                                : t);
                    }

                    @Override
                    public void onCompleted() {
                        exit.completeExceptionally(new RuntimeFailure("RuntimeError", "wait for exec in " + id + ": no answer"));
                    }
                }));
        return exit;
    }

    /** Waits up to {@code timeout} for its end; false when it still runs then. A missing process is ended. */
    boolean awaitExit(String namespace, String id, String execId, Duration timeout) {
        try {
            conn.stub(TasksGrpc::newBlockingStub, namespace, null, timeout)
                    .wait(WaitRequest.newBuilder().setContainerId(id).setExecId(execId).build());
            return true;
        } catch (StatusRuntimeException e) {
            if (ContainerdFailures.isNotFound(e)) {
                return true;
            }
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return false;
            }
            throw ContainerdFailures.translate("wait for exec in " + id, conn.socket().toString(), e);
        }
    }

    /** A missing process (or task) is fine. */
    void kill(String namespace, String id, String execId, int signal) {
        ignoringMissing("signal exec in " + id, () -> stub(namespace).kill(
                KillRequest.newBuilder().setContainerId(id).setExecId(execId).setSignal(signal).build()));
    }

    void resize(String namespace, String id, String execId, int width, int height) {
        ignoringMissing("resize exec terminal in " + id, () -> stub(namespace).resizePty(
                ResizePtyRequest.newBuilder().setContainerId(id).setExecId(execId).setWidth(width).setHeight(height).build()));
    }

    void closeStdin(String namespace, String id, String execId) {
        ignoringMissing("close exec stdin in " + id, () -> stub(namespace).closeIO(
                CloseIORequest.newBuilder().setContainerId(id).setExecId(execId).setStdin(true).build()));
    }

    /** Removes an ended process from the shim; a missing one is fine. */
    void delete(String namespace, String id, String execId) {
        ignoringMissing("delete exec in " + id, () -> stub(namespace).deleteProcess(
                DeleteProcessRequest.newBuilder().setContainerId(id).setExecId(execId).build()));
    }

    private void ignoringMissing(String action, Runnable rpc) {
        conn.run(action, () -> {
            try {
                rpc.run();
            } catch (StatusRuntimeException e) {
                if (!ContainerdFailures.isNotFound(e)) {
                    throw e;
                }
            }
        });
    }
}
