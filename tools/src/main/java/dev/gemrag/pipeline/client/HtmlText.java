package dev.gemrag.pipeline.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain text from HTML, good enough for indexing: scripts, styles and comments dropped, block
 * elements become paragraph breaks (so the chunker still sees paragraphs), tags removed, the common
 * entities decoded. Not a full HTML parser (no DOM, no CSS): pages that need one should be
 * converted before ingestion.
 */
public final class HtmlText {
    private static final Pattern DROP =
            Pattern.compile("(?is)<(script|style|noscript|template)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title\\s*>");
    private static final Pattern BLOCK =
            Pattern.compile(
                    "(?i)</?(p|div|section|article|header|footer|h[1-6]|li|ul|ol|table|tr|pre|blockquote|br|hr|dd|dt)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY =
            Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);");

    private HtmlText() {}

    public static String title(String html) {
        Matcher m = TITLE.matcher(html);
        return m.find()
                ? normalizeSpaces(decode(TAG.matcher(m.group(1)).replaceAll(" "))).strip()
                : null;
    }

    public static String text(String html) {
        String s = DROP.matcher(html).replaceAll(" ");
        s = TITLE.matcher(s).replaceAll(" ");
        s = BLOCK.matcher(s).replaceAll("\n\n");
        s = TAG.matcher(s).replaceAll(" ");
        s = decode(s);
        StringBuilder out = new StringBuilder();
        for (String para : s.split("\\n\\s*\\n")) {
            String p = normalizeSpaces(para).strip();
            if (!p.isEmpty()) {
                if (out.length() > 0) {
                    out.append("\n\n");
                }
                out.append(p);
            }
        }
        return out.toString();
    }

    private static String normalizeSpaces(String s) {
        return s.replaceAll("[ \\t\\x0B\\f\\r\\n\\u00A0]+", " ");
    }

    private static String decode(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r =
                    switch (e) {
                        case "amp" -> "&";
                        case "lt" -> "<";
                        case "gt" -> ">";
                        case "quot" -> "\"";
                        case "apos" -> "'";
                        case "nbsp" -> " ";
                        default ->
                                new String(
                                        Character.toChars(
                                                e.startsWith("#x")
                                                        ? Integer.parseInt(e.substring(2), 16)
                                                        : Integer.parseInt(e.substring(1))));
                    };
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
