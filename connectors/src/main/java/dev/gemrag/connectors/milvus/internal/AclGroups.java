package dev.gemrag.connectors.milvus.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Validation of group names, in document acls and in questions: the same rule on both sides so that
 * a group that can be written can be asked for. Unicode is fine; empty names, control characters,
 * names over the byte limit and too many groups are rejected with a message naming the problem.
 */
public final class AclGroups {
    private AclGroups() {}

    /** The distinct groups in their given order, or IllegalArgumentException. */
    public static List<String> validate(Collection<String> groups, int maxGroups, int maxBytes, String what) {
        if (groups == null) {
            return List.of();
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String g : groups) {
            if (g == null || g.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty group name");
            }
            for (int i = 0; i < g.length(); i++) {
                if (Character.isISOControl(g.charAt(i))) {
                    throw new IllegalArgumentException(what + ": group name contains control character U+"
                            + String.format("%04X", (int) g.charAt(i)) + ": " + abbreviate(g));
                }
            }
            if (g.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
                throw new IllegalArgumentException(what + ": group name longer than " + maxBytes + " bytes: "
                        + abbreviate(g));
            }
            distinct.add(g);
        }
        if (distinct.size() > maxGroups) {
            throw new IllegalArgumentException(what + ": " + distinct.size() + " groups, at most " + maxGroups
                    + " allowed (milvus.acl.max-groups)");
        }
        return new ArrayList<>(distinct);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...'";
    }
}
