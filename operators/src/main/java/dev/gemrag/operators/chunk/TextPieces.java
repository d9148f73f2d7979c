package dev.gemrag.operators.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text at natural boundaries, coarsest first: paragraphs (blank lines), sentences, words.
 * Each piece keeps the whitespace that precedes it, so concatenating pieces gives back the text
 * (with leading whitespace of the whole text dropped) and byte-level BPE token counts add up.
 */
final class TextPieces {
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");

    /**
     * A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace.
     */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][\"')\\]]*(?=\\s)");

    private static final Pattern WORD = Pattern.compile("\\s*\\S+");

    private TextPieces() {}

    static List<String> paragraphs(String text) {
        return splitKeepingSeparators(text, PARAGRAPH_BREAK);
    }

    static List<String> sentences(String paragraph) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE_END.matcher(paragraph);
        int start = 0;
        while (m.find()) {
            int end = m.end();
            if (!paragraph.substring(start, end).isBlank()) {
                out.add(paragraph.substring(start, end));
                start = end;
            }
        }
        if (start < paragraph.length() && !paragraph.substring(start).isBlank()) {
            out.add(paragraph.substring(start));
        } else if (start < paragraph.length() && !out.isEmpty()) {
            // trailing whitespace stays with the last sentence
            out.set(out.size() - 1, out.get(out.size() - 1) + paragraph.substring(start));
        }
        return out;
    }

    static List<String> words(String sentence) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(sentence);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Pieces start at each separator (the separator belongs to the following piece). */
    private static List<String> splitKeepingSeparators(String text, Pattern separator) {
        List<String> out = new ArrayList<>();
        Matcher m = separator.matcher(text);
        int start = 0;
        while (m.find()) {
            if (m.start() > start && !text.substring(start, m.start()).isBlank()) {
                out.add(text.substring(start, m.start()));
                start = m.start();
            }
        }
        if (!text.substring(start).isBlank()) {
            out.add(text.substring(start));
        }
        return out;
    }
}
