package io.kukeon.api;

import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.function.Supplier;

/**
 * kukeond's heap, bounded by -Xmx (conf/kukeond.jvm, KUKEOND_JAVA_OPTS): once what the last full
 * collection left in the old generation is above {@link #LIMIT_PERCENT} % of it, calls that start new
 * work are refused, so that a host with more work than the heap holds degrades (its cells keep
 * running, reads, stops and deletes answer) instead of the daemon dying of OutOfMemoryError.
 */
public final class HeapRoom {
    static final int LIMIT_PERCENT = 90;

    /** The old generation as the last collection of it left it; null when the JVM has none we can read. */
    private final Supplier<MemoryUsage> afterLastCollection;

    HeapRoom(Supplier<MemoryUsage> afterLastCollection) {
        this.afterLastCollection = afterLastCollection;
    }

    /**
     * The JVM's old generation: among the heap's pools, the one that takes a usage threshold (eden and
     * the survivor spaces do not; every collector of HotSpot has exactly one such pool).
     */
    public static HeapRoom ofThisJvm() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported() && pool.isCollectionUsageThresholdSupported()) {
                return new HeapRoom(pool::getCollectionUsage);
            }
        }
        return new HeapRoom(() -> null);
    }

    /** Refuses a call that starts new work while the heap is nearly full. */
    public void requireRoom() {
        MemoryUsage old = afterLastCollection.get();
        if (old == null || old.getMax() <= 0) {
            return;
        }
        if (old.getUsed() * 100 > old.getMax() * LIMIT_PERCENT) {
            throw new ResourceExhaustedException("kukeond's heap is full: " + Sizes.of(old.getUsed()) + " of "
                    + Sizes.of(old.getMax()) + " of its old generation still used after a full collection (at most "
                    + LIMIT_PERCENT + " %); stop or delete cells, or give kukeond a larger -Xmx in KUKEOND_JAVA_OPTS");
        }
    }
}
