package io.kukeon.secrets;

import io.kukeon.model.KukeonException;

/** A secret cannot be sealed or opened with the key at hand (missing, wrong or damaged key file). */
public final class SealingException extends KukeonException {
    public SealingException(String message) {
        super(message);
    }

    @Override
    public String kind() {
        return "SealingKey";
    }
}
