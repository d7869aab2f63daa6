package io.kukeon.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * A new process in a container's running task ({@code kuke exec}): it joins the task's namespaces
 * and cgroup and keeps the container's confinement (capabilities, seccomp, no-new-privileges...);
 * only what is named here changes.
 *
 * @param execId     unique in the task; also names {@code ioDir}'s last segment
 * @param args       the command and its arguments
 * @param env        KEY=VALUE added to, and overriding, the container's environment
 * @param workingDir null: the container's
 * @param user       {@code uid[:gid]} or names from the image's /etc/passwd and /etc/group; null: the container's
 * @param stdin      keep a stdin open to the process
 * @param tty        a terminal: one output stream, resizable
 * @param ioDir      a directory of its own for the process's pipes, removed when it ends; what is left
 *                   there by a kukeond that died names the process to end ({@link ContainerRuntime#endLeftoverExecs})
 */
public record ExecRequest(String namespace, String containerdId, String execId, List<String> args, List<String> env,
                          String workingDir, String user, boolean stdin, boolean tty, int width, int height, Path ioDir) {

    public ExecRequest {
        args = List.copyOf(args);
        env = List.copyOf(env);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
    }
}
