package io.kukeon.supervisor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable name under which a {@link Journaled} type is written to the journal. Part of the
 * journal's format: never change or reuse one. A changed shape keeps its name and raises its
 * {@link #version()}, with a migration for the older versions.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface JournalName {
    String value();

    /** The version written now; data of older versions goes through the type's migration first. */
    int version() default 1;
}
