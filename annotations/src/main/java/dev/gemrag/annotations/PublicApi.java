package dev.gemrag.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An entry point other code may build on (as Flink's {@code @PublicEvolving}): kept
 * source-compatible within a minor version, changed only with a note in the README. Types without
 * this mark are implementation, even when Java makes them public.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
public @interface PublicApi {}
