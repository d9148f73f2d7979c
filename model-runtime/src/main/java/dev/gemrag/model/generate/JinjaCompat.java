package dev.gemrag.model.generate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites of jinja2 syntax that Jinjava parses differently, applied to a template's text before
 * Jinjava sees it. Each keeps jinja2's meaning:
 *
 * <ul>
 *   <li>{@code not x is defined}: jinja2 reads {@code not (x is defined)}, Jinjava {@code (not x)
 *       is defined};
 *   <li>{@code xs[::-1]} (Qwen3): Jinjava has no slice step; {@code xs|reverse} is the same list
 *       reversed;
 *   <li>{@code namespace(a=xs|length - 1)}: Jinjava ends the named argument at the filter; the
 *       value is parenthesised.
 * </ul>
 */
final class JinjaCompat {
    private static final Pattern NOT_IS =
            Pattern.compile(
                    "\\bnot\\s+([A-Za-z_][\\w.]*(?:\\[[^\\]]*\\])*)\\s+is\\s+((?:not\\s+)?[A-Za-z_]\\w*)");
    private static final Pattern REVERSED = Pattern.compile("([A-Za-z_][\\w.]*)\\[::-1\\]");
    private static final Pattern NAMESPACE = Pattern.compile("\\bnamespace\\(");
    private static final Pattern NAMED_ARG =
            Pattern.compile("^(\\s*[A-Za-z_]\\w*\\s*=)(?!=)(.*)$", Pattern.DOTALL);

    private JinjaCompat() {}

    static String rewrite(String template) {
        String t = NOT_IS.matcher(template).replaceAll("not ($1 is $2)");
        t = REVERSED.matcher(t).replaceAll("($1|reverse)");
        return parenthesiseNamespaceArgs(t);
    }

    private static String parenthesiseNamespaceArgs(String t) {
        StringBuilder out = new StringBuilder();
        Matcher m = NAMESPACE.matcher(t);
        int done = 0;
        while (m.find(done)) {
            int open = m.end();
            int close = matchingParen(t, open);
            if (close < 0) {
                break;
            }
            out.append(t, done, open);
            String[] args = splitTopLevel(t.substring(open, close));
            for (int i = 0; i < args.length; i++) {
                Matcher a = NAMED_ARG.matcher(args[i]);
                out.append(i > 0 ? "," : "")
                        .append(a.matches() ? a.group(1) + "(" + a.group(2) + ")" : args[i]);
            }
            out.append(')');
            done = close + 1;
        }
        return out.append(t.substring(done)).toString();
    }

    /**
     * Index of the ')' closing the '(' just before {@code from}, skipping quoted strings; -1 if
     * none.
     */
    private static int matchingParen(String t, int from) {
        int i = scan(t, from, ')');
        return i < t.length() && t.charAt(i) == ')' ? i : -1;
    }

    /**
     * The comma-separated parts of {@code args} (balanced: it lies between matched parentheses).
     */
    private static String[] splitTopLevel(String args) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        int start = 0;
        for (int i = scan(args, 0, ','); i < args.length(); i = scan(args, start, ',')) {
            parts.add(args.substring(start, i));
            start = i + 1;
        }
        if (start < args.length() || !parts.isEmpty()) {
            parts.add(args.substring(start));
        }
        return parts.toArray(new String[0]);
    }

    /**
     * Index of the first {@code stop} at bracket depth 0 from {@code from}, or of the first closing
     * bracket that takes the depth below 0, skipping quoted strings; {@code t.length()} if neither.
     */
    private static int scan(String t, int from, char stop) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth < 0) {
                    return i;
                }
            } else if (c == stop && depth == 0) {
                return i;
            }
        }
        return t.length();
    }
}
