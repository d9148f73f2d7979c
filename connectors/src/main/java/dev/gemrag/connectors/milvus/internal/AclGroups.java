package dev.gemrag.connectors.milvus.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Validation of group names, in document acls and in questions. Unicode is fine; empty names, names
 * over the byte limit and too many groups are rejected with a message naming the problem; control
 * characters are rejected in questions (stored acls may keep them: fail-closed, nobody can ask for
 * them).
 */
public final class AclGroups {
    private AclGroups() {}

    /** Question groups: the distinct groups in their given order, or IllegalArgumentException. */
    public static List<String> validate(
            Collection<String> groups, int maxGroups, int maxBytes, String what) {
        return validate(groups, maxGroups, maxBytes, what, false);
    }

    /**
     * @param allowControl true for stored acls: a control character there is harmless data (such a
     *     group can just never be asked for), and failing the sink on it would stop the job
     */
    public static List<String> validate(
            Collection<String> groups,
            int maxGroups,
            int maxBytes,
            String what,
            boolean allowControl) {
        if (groups == null) {
            return List.of();
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String g : groups) {
            if (g == null || g.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty group name");
            }
            for (int i = 0; !allowControl && i < g.length(); i++) {
                if (Character.isISOControl(g.charAt(i))) {
                    throw new IllegalArgumentException(
                            what
                                    + ": group name contains control character U+"
                                    + String.format("%04X", (int) g.charAt(i))
                                    + ": "
                                    + abbreviate(g));
                }
            }
            if (g.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
                throw new IllegalArgumentException(
                        what + ": group name longer than " + maxBytes + " bytes: " + abbreviate(g));
            }
            distinct.add(g);
        }
        if (distinct.size() > maxGroups) {
            throw new IllegalArgumentException(
                    what
                            + ": "
                            + distinct.size()
                            + " groups, at most "
                            + maxGroups
                            + " allowed (milvus.acl.max-groups)");
        }
        return new ArrayList<>(distinct);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...'";
    }
}
