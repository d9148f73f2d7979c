/** Marks for what is public API and what is internal (checked by the architecture tests). */
package dev.gemrag.annotations;
