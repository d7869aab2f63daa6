package io.kukeon.model;

/**
 * Whether a cell made from a CellConfig still is what its config and blueprint make now
 * ({@code status.outOfSync}). Worked out when the cell is read, from the templates as they are then.
 *
 * @param outOfSync true when the config or its blueprint would make another cell now, or cannot make one
 * @param reason    {@code TemplateChanged}, {@code ConfigNotFound} or {@code RematerializeFailed}; null when in sync
 * @param message   what differs (the first changes), or why no cell can be made
 */
public record TemplateSync(boolean outOfSync, String reason, String message) {
    public static final TemplateSync IN_SYNC = new TemplateSync(false, null, null);
}
