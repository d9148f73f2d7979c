package dev.gemrag.model.gem;

/**
 * Where the summary tokens sit in one sequence: {@code prefix} text tokens, then {@code k} summary
 * tokens, then {@code suffix} text tokens.
 *
 * <ul>
 *   <li>embedding input: {@code prefix = text, k >= 1, suffix = 0}
 *   <li>plain causal text (NTP without split, or MEAN/LAST pooling): {@code k = 0, suffix = 0}
 *   <li>GEM training split: {@code prefix >= 0, k >= 1, suffix >= 0}
 * </ul>
 */
public record GemLayout(int prefix, int k, int suffix) {

    public GemLayout {
        if (prefix < 0 || k < 0 || suffix < 0) {
            throw new IllegalArgumentException(
                    "GemLayout: negative part in " + prefix + "/" + k + "/" + suffix);
        }
        if (k == 0 && suffix > 0) {
            throw new IllegalArgumentException(
                    "GemLayout: a suffix needs summary tokens before it");
        }
    }

    public static GemLayout plain(int length) {
        return new GemLayout(length, 0, 0);
    }

    public static GemLayout embedding(int textTokens, int k) {
        return new GemLayout(textTokens, k, 0);
    }

    public int length() {
        return prefix + k + suffix;
    }

    public boolean isSummary(int position) {
        return position >= prefix && position < prefix + k;
    }

    public boolean isSuffix(int position) {
        return position >= prefix + k && position < length();
    }

    /**
     * Whether query position {@code i} may attend to key position {@code j} under the GEM mask:
     * causal; a summary token sees the prefix and itself but no other summary token; a suffix token
     * sees the summary tokens and earlier suffix tokens, never the prefix.
     */
    public boolean allows(int i, int j) {
        if (j > i || i >= length()) {
            return false;
        }
        if (isSummary(i)) {
            return j < prefix || j == i;
        }
        if (isSuffix(i)) {
            return j >= prefix;
        }
        return true;
    }
}
