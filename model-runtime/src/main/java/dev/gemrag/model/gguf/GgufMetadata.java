package dev.gemrag.model.gguf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * GGUF metadata key/values with typed getters whose errors name the file and the key.
 *
 * <p>Values are held as: integers of up to 32 bits as Integer (UINT32 as Long), 64-bit integers as
 * Long, FLOAT32 as Float, FLOAT64 as Double, BOOL as Boolean, STRING as String, ARRAY as List.
 */
public final class GgufMetadata {
    private final Path path;
    private final Map<String, Object> values;

    public GgufMetadata(Path path, Map<String, Object> values) {
        this.path = path;
        this.values = Collections.unmodifiableMap(values);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new GgufFormatException(path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    public String string(String key) {
        return as(key, String.class);
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public int integer(String key) {
        long v = as(key, Number.class).longValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufFormatException(
                    path + ": metadata key '" + key + "' = " + v + " does not fit an int");
        }
        return (int) v;
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    public float real(String key) {
        return as(key, Number.class).floatValue();
    }

    public float real(String key, float fallback) {
        return has(key) ? real(key) : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        return has(key) ? as(key, Boolean.class) : fallback;
    }

    public List<String> strings(String key) {
        List<?> list = as(key, List.class);
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw wrongType(key, "an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    public int[] ints(String key) {
        List<?> list = as(key, List.class);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw wrongType(key, "an array of integers");
            }
            out[i] = n.intValue();
        }
        return out;
    }

    public float[] reals(String key) {
        List<?> list = as(key, List.class);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw wrongType(key, "an array of numbers");
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    private <T> T as(String key, Class<T> type) {
        Object v = get(key);
        if (!type.isInstance(v)) {
            throw wrongType(key, type.getSimpleName());
        }
        return type.cast(v);
    }

    private GgufFormatException wrongType(String key, String expected) {
        Object v = values.get(key);
        return new GgufFormatException(
                path
                        + ": metadata key '"
                        + key
                        + "' should be "
                        + expected
                        + " but is "
                        + (v == null ? "missing" : v.getClass().getSimpleName()));
    }
}
