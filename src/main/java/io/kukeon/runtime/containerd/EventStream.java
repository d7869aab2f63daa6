package io.kukeon.runtime.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.kukeon.metrics.DaemonMetrics;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.runtime.RuntimeListener;
import io.kukeon.runtime.containerd.api.events.TaskExit;
import io.kukeon.runtime.containerd.api.events.TaskOOM;
import io.kukeon.runtime.containerd.api.events.service.Envelope;
import io.kukeon.runtime.containerd.api.events.service.EventsGrpc;
import io.kukeon.runtime.containerd.api.events.service.SubscribeRequest;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Events.Subscribe} stream for every namespace, delivering task exits and OOMs to a
 * listener. When the stream breaks it tells the listener, re-subscribes with a growing delay,
 * and once containerd answers again says so, so that the listener relists what it missed.
 */
final class EventStream implements ContainerRuntime.Subscription {
    static final String TASK_EXIT = "/tasks/exit";
    static final String TASK_OOM = "/tasks/oom";
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final ContainerdConnection conn;
    private final RuntimeListener listener;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    private Context.CancellableContext current;
    private long generation;
    private Boolean announced;
    private Duration delay;
    private boolean closed;

    EventStream(ContainerdConnection conn, RuntimeListener listener) {
        this.conn = conn;
        this.listener = listener;
        this.delay = conn.config().reconnectMin();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "containerd-events");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        scheduler.execute(this::subscribe);
    }

    private void subscribe() {
        long gen;
        Context.CancellableContext ctx = Context.current().withCancellation();
        synchronized (lock) {
            if (closed) {
                return;
            }
            gen = ++generation;
            current = ctx;
        }
        SubscribeRequest request = SubscribeRequest.newBuilder()
                .addFilters("topic==\"" + TASK_EXIT + "\"").addFilters("topic==\"" + TASK_OOM + "\"").build();
        ctx.run(() -> EventsGrpc.newStub(conn.channel()).subscribe(request, new StreamObserver<>() {
            @Override
            public void onNext(Envelope envelope) {
                deliver(envelope);
            }

            @Override
            public void onError(Throwable t) {
                broken(gen, describe(t));
            }

            @Override
            public void onCompleted() {
                broken(gen, "containerd ended the event stream");
            }
        }));
        // Subscribe sends nothing until an event happens, so ask containerd directly whether it is there.
        RuntimeHealth health = conn.health();
        if (health.available()) {
            synchronized (lock) {
                if (gen != generation || closed) {
                    return;
                }
                delay = conn.config().reconnectMin();
            }
            announce(true, null);
        } else {
            broken(gen, health.reason());
        }
    }

    private void broken(long gen, String reason) {
        synchronized (lock) {
            if (gen != generation || closed) {
                return;
            }
            generation++;
            current.cancel(null);
            DaemonMetrics.EVENT_STREAM_RECONNECTS.inc();
            scheduler.schedule(this::subscribe, delay.toMillis(), TimeUnit.MILLISECONDS);
            delay = delay.multipliedBy(2).compareTo(conn.config().reconnectMax()) > 0 ? conn.config().reconnectMax()
                    : delay.multipliedBy(2);
        }
        announce(false, reason);
    }

    private void announce(boolean available, String reason) {
        synchronized (lock) {
            if (closed || Boolean.valueOf(available).equals(announced)) {
                return;
            }
            announced = available;
        }
        if (available) {
            log.info("containerd event stream connected");
        } else {
            log.warn("containerd event stream lost: {}", reason);   // exits are missed until it is back, then relisted
        }
        try {
            listener.availabilityChanged(available, reason);
        } catch (RuntimeException e) {
            log.warn("runtime listener failed on availabilityChanged", e);
        }
    }

    private void deliver(Envelope envelope) {
        Any event = envelope.getEvent();
        String type = event.getTypeUrl().substring(event.getTypeUrl().lastIndexOf('/') + 1);
        try {
            if (type.equals("containerd.events.TaskExit")) {
                TaskExit exit = TaskExit.parseFrom(event.getValue());
                // exec'd processes exit too; only the init process (id == container id) ends the task
                if (exit.getId().isEmpty() || exit.getId().equals(exit.getContainerId())) {
                    listener.taskExited(envelope.getNamespace(), exit.getContainerId(), exit.getPid(),
                            exit.getExitStatus(), Tasks.instant(exit.getExitedAt()));
                }
            } else if (type.equals("containerd.events.TaskOOM")) {
                listener.taskOomKilled(envelope.getNamespace(), TaskOOM.parseFrom(event.getValue()).getContainerId());
            }
        } catch (InvalidProtocolBufferException e) {
            log.warn("unreadable {} event on {}: {}", type, envelope.getTopic(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("runtime listener failed on {}", envelope.getTopic(), e);
        }
    }

    private String describe(Throwable t) {
        Status s = Status.fromThrowable(t);
        String why = s.getCause() != null && s.getCause().getMessage() != null ? s.getCause().getMessage()
                : s.getDescription() != null ? s.getDescription() : s.getCode().name();
        return "containerd at " + conn.socket() + " event stream failed: " + why;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null) {
                current.cancel(null);
            }
        }
        scheduler.shutdownNow();
    }
}
