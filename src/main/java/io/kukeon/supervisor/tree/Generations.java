package io.kukeon.supervisor.tree;

/**
 * A level's spec generations, as Kubernetes counts them: {@code current} goes up with every change
 * of spec or labels; {@code observed} is the one the host was last brought to.
 */
public record Generations(long current, long observed) {
    public static final Generations NONE = new Generations(0, 0);

    public Generations next() {
        return new Generations(current + 1, observed);
    }

    public Generations at(long generation) {
        return new Generations(generation, observed);
    }

    /** The host now matches the current generation. */
    public Generations observedNow() {
        return new Generations(current, current);
    }
}
