package dev.gemrag.model.gguf;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a mapped buffer now instead of when the garbage collector finds it: a model load decodes
 * each GGUF weight once from its own mapping, and the ~50 MB of file pages those mappings had
 * touched counted in the process's resident memory until the next collection, at the load's peak.
 * Uses {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to reflection); where
 * that is missing the buffer is left to the collector, as before.
 */
final class MappedBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(MappedBuffers.class);
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invoke = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            invoke = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("mapped GGUF weights are unmapped by the garbage collector: {}", e.toString());
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invoke;
    }

    private MappedBuffers() {}

    /**
     * Unmaps {@code buffer}, a mapping returned by {@link java.nio.channels.FileChannel#map} (not a
     * slice or duplicate of one); nothing may read it or any view of it afterwards.
     */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !buffer.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot unmap a GGUF weight now: {}", e.toString());
        }
    }
}
