package dev.gemrag.model.generate;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods that Hugging Face chat templates call ({@code content.strip()},
 * {@code .lstrip('\n')}, {@code .split('</think>')}, {@code .startswith(...)}), which Jinjava does
 * not have: it would call Java's String methods of the same name, or fail. Resolved before
 * Jinjava's own resolver.
 */
final class PyStringMethods extends ELResolver {

    @Override
    public Object invoke(
            ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name)) {
            return null;
        }
        Object[] p = params == null ? new Object[0] : params;
        Object result;
        switch (name) {
            case "strip" -> result = strip(s, arg(p, 0), true, true);
            case "lstrip" -> result = strip(s, arg(p, 0), true, false);
            case "rstrip" -> result = strip(s, arg(p, 0), false, true);
            case "startswith" -> result = p.length > 0 && s.startsWith(String.valueOf(p[0]));
            case "endswith" -> result = p.length > 0 && s.endsWith(String.valueOf(p[0]));
            case "split" ->
                    result = split(s, arg(p, 0), p.length > 1 ? ((Number) p[1]).intValue() : -1);
            case "upper" -> result = s.toUpperCase(Locale.ROOT);
            case "lower" -> result = s.toLowerCase(Locale.ROOT);
            case "replace" -> result = s.replace(String.valueOf(p[0]), String.valueOf(p[1]));
            case "find" -> result = s.indexOf(String.valueOf(p[0]));
            default -> {
                return null; // not ours: Jinjava's resolver decides
            }
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static String arg(Object[] p, int i) {
        return p.length > i && p[i] != null ? String.valueOf(p[i]) : null;
    }

    /** Python strip: whitespace when chars is null, else any of chars. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    /**
     * Python split: on runs of whitespace when sep is null, else on each sep (literal), at most
     * maxSplit times.
     */
    static List<String> split(String s, String sep, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            String rest = strip(s, null, true, false);
            while (!rest.isEmpty()) {
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(rest);
                    return out;
                }
                int i = 0;
                while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
                    i++;
                }
                out.add(rest.substring(0, i));
                rest = strip(rest.substring(i), null, true, false);
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("split: empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
