package io.kukeon.supervisor.host;

import io.kukeon.runtime.RuntimeListener;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Instant;

/** Hands what containerd's event stream says to the host, which routes it to the container it names. */
public final class RuntimeEventRouter implements RuntimeListener {
    private final ActorRef<TreeCommand> host;

    public RuntimeEventRouter(ActorRef<TreeCommand> host) {
        this.host = host;
    }

    @Override
    public void taskExited(String namespace, String containerdId, int pid, int exitCode, Instant exitedAt) {
        host.tell(new HostSupervisor.RuntimeEvent(namespace, containerdId, new Notice.TaskExited(pid, exitCode, exitedAt)));
    }

    @Override
    public void taskOomKilled(String namespace, String containerdId) {
        host.tell(new HostSupervisor.RuntimeEvent(namespace, containerdId, new Notice.TaskOomKilled()));
    }

    @Override
    public void availabilityChanged(boolean available, String reason) {
        host.tell(new HostSupervisor.RuntimeAvailability(available, reason));
    }
}
