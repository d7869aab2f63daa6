package io.kukeon.fleet;

/**
 * What a node offers its cells: CPU in thousandths of a core and memory in bytes; by default the
 * host's (the cores this JVM may use and the physical memory).
 */
public record NodeCapacity(long cpuMillis, long memoryBytes) {

    public static NodeCapacity ofThisHost() {
        long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        return new NodeCapacity(Runtime.getRuntime().availableProcessors() * 1000L, memory);
    }
}
