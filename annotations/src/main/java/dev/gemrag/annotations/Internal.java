package dev.gemrag.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Implementation that only its own module may use, whatever its Java visibility (as Flink's
 * {@code @Internal}). Every {@code internal} package carries it; {@code ArchitectureTest} checks
 * that no other module reaches in.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Internal {}
