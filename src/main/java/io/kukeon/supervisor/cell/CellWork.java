package io.kukeon.supervisor.cell;

import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.cell.CellRecord.Activity;
import io.kukeon.supervisor.tree.ChildMessages.DeleteOrigin;
import io.kukeon.supervisor.tree.Waiting;

/**
 * What a cell actor's current incarnation is doing beside its journaled record. Never journaled:
 * the record's {@link Activity} is the intent that survives a crash, and recovery carries it out
 * again with nobody waiting.
 */
sealed interface CellWork {

    CellWork IDLE = new Idle();

    record Idle() implements CellWork {}

    /** Provisioning, starting or stopping, as the record's activity says; {@code waiting} are told when it ends. */
    record Carrying(Activity activity, Waiting waiting) implements CellWork {}

    /** The cell's own delete; its answer goes to {@code origin} through the parent, which holds back other messages for the cell meanwhile. */
    record Deleting(DeleteOrigin origin) implements CellWork {}

    /** One container's start, stop, kill or restart, for {@code command}. */
    record OnContainer(ObjectCommand command) implements CellWork {}

    /** A failed bring-up's containers killed and its address released; what changes the cell waits meanwhile. */
    record Unwinding() implements CellWork {}

    /** Deleted by this incarnation: the parent stops it; meanwhile it answers as a cell that is gone. */
    record Retired() implements CellWork {}

    static Carrying carrying(Activity activity, Waiting waiting) {
        return new Carrying(activity, waiting);
    }

    default boolean busy() {
        return !(this instanceof Idle || this instanceof Retired);
    }

    default Waiting waiting() {
        return this instanceof Carrying c ? c.waiting() : Waiting.none();
    }
}
