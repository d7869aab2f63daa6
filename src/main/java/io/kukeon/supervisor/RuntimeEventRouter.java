package io.kukeon.supervisor;

import io.kukeon.runtime.RuntimeListener;
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
        host.tell(new HostSupervisor.RuntimeEvent(namespace, containerdId, new Operation.TaskExited(pid, exitCode, exitedAt)));
    }

    @Override
    public void taskOomKilled(String namespace, String containerdId) {
        host.tell(new HostSupervisor.RuntimeEvent(namespace, containerdId, new Operation.TaskOomKilled()));
    }

    @Override
    public void availabilityChanged(boolean available, String reason) {
        host.tell(new HostSupervisor.RuntimeAvailability(available, reason));
    }
}
