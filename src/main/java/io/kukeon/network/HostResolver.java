package io.kukeon.network;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns an egress target's host name into the IPv4 addresses its rules allow, once, when the
 * rules are applied (a later DNS change is seen at the next apply). Tests give a fake.
 */
public interface HostResolver {
    /** Addresses kept per host: each becomes one rule. */
    int MAX_ADDRESSES = 16;

    /**
     * The host's IPv4 addresses, dotted, sorted (so the same answer gives the same rules), at most
     * {@link #MAX_ADDRESSES}; an IPv4 literal is itself.
     *
     * @throws UnknownHostException when the name does not resolve (or not in time) to any IPv4 address;
     *                              its message names the host and why
     */
    List<String> ipv4Addresses(String host) throws UnknownHostException;

    /** The system's resolver (the JDK's, so /etc/hosts and /etc/resolv.conf), bounded by {@code timeout}. */
    static HostResolver system(Duration timeout) {
        return new SystemResolver(timeout);
    }

    /** The JDK has no lookup timeout: each lookup runs on a small bounded pool and is waited for at most the timeout. */
    final class SystemResolver implements HostResolver {
        private static final ThreadPoolExecutor LOOKUPS = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), r -> {
                    Thread t = new Thread(r, "kukeon-egress-dns");
                    t.setDaemon(true);
                    return t;
                });

        static {
            LOOKUPS.allowCoreThreadTimeOut(true);
        }

        private final Duration timeout;

        private SystemResolver(Duration timeout) {
            this.timeout = timeout;
        }

        @Override
        public List<String> ipv4Addresses(String host) throws UnknownHostException {
            if (Ipv4.isAddress(host)) {
                return List.of(host);
            }
            Future<InetAddress[]> lookup;
            try {
                lookup = LOOKUPS.submit(() -> InetAddress.getAllByName(host));
            } catch (RejectedExecutionException e) {
                throw new UnknownHostException(host + ": too many lookups waiting");
            }
            InetAddress[] all;
            try {
                all = lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                lookup.cancel(true);
                throw new UnknownHostException(host + ": no answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownHostException unknown) {
                    throw unknown;   // the JDK's, e.g. "host: Name or service not known"
                }
                throw new UnknownHostException(host + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + ": interrupted");
            }
            TreeSet<String> sorted = new TreeSet<>();
            for (InetAddress a : all) {
                if (a instanceof Inet4Address) {
                    sorted.add(a.getHostAddress());
                }
            }
            if (sorted.isEmpty()) {
                throw new UnknownHostException(host + ": no IPv4 address");
            }
            return sorted.stream().limit(MAX_ADDRESSES).toList();
        }
    }
}
