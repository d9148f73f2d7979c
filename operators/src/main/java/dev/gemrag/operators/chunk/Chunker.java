package dev.gemrag.operators.chunk;

import dev.gemrag.model.TextTokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Cuts text into chunks of at most {@code size} tokens of the model's own tokenizer, with about
 * {@code overlap} tokens repeated from the end of the previous chunk.
 *
 * <p>Boundaries are chosen coarsest first: a chunk ends between paragraphs when the paragraphs fit,
 * between sentences when a paragraph is too long, between words when a sentence is too long, and
 * only a single "word" longer than a chunk (a URL, a base64 blob) is cut between tokens. The
 * overlap is made of whole pieces (sentences, usually), never of half a sentence.
 */
public final class Chunker {
    private final TextTokenizer tokenizer;
    private final int size;
    private final int overlap;

    public Chunker(TextTokenizer tokenizer, int size, int overlap) {
        validate(size, overlap);
        this.tokenizer = tokenizer;
        this.size = size;
        this.overlap = overlap;
    }

    /** Checks the settings; the messages name the configuration keys. */
    public static void validate(int size, int overlap) {
        if (size < 8) {
            throw new IllegalArgumentException("chunk.size must be at least 8 tokens, got " + size);
        }
        if (overlap < 0 || overlap > size / 2) {
            throw new IllegalArgumentException(
                    "chunk.overlap must be in [0, chunk.size/2], got "
                            + overlap
                            + " for chunk.size "
                            + size);
        }
    }

    /** The chunk texts of a document, in order; none for an empty or blank text. */
    public List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String body = text.strip();
        List<Piece> pieces = new ArrayList<>();
        for (String paragraph : TextPieces.paragraphs(body)) {
            addFitting(paragraph, Level.PARAGRAPH, pieces);
        }
        return pack(pieces);
    }

    private enum Level {
        PARAGRAPH,
        SENTENCE,
        WORD,
        TOKENS
    }

    private record Piece(String text, int tokens) {}

    /** Adds text as one piece when it fits in a chunk, else its finer pieces. */
    private void addFitting(String text, Level level, List<Piece> out) {
        // A piece may open a chunk, where its leading whitespace is stripped: BPE can need more
        // tokens
        // without it (" foo" is one token, "foo" may be two), so a piece must fit in both forms.
        int tokens = Math.max(tokenizer.count(text), tokenizer.count(text.strip()));
        if (tokens <= size) {
            out.add(new Piece(text, tokens));
            return;
        }
        switch (level) {
            case PARAGRAPH ->
                    TextPieces.sentences(text).forEach(s -> addFitting(s, Level.SENTENCE, out));
            case SENTENCE -> TextPieces.words(text).forEach(w -> addFitting(w, Level.WORD, out));
            default -> cutTokens(text, out);
        }
    }

    private void cutTokens(String text, List<Piece> out) {
        int[] ids = tokenizer.encode(text.strip());
        int from = 0;
        while (from < ids.length) {
            // decode + encode need not round-trip: shrink the window until the decoded text fits
            int len = Math.min(size, ids.length - from);
            String piece;
            int tokens;
            while (true) {
                piece = tokenizer.decode(Arrays.copyOfRange(ids, from, from + len));
                tokens = Math.max(tokenizer.count(piece), tokenizer.count(piece.strip()));
                if (tokens <= size || len == 1) {
                    break;
                }
                len--;
            }
            out.add(new Piece(piece, tokens));
            from += len;
        }
    }

    /**
     * Greedy packing; the estimate (sum of piece counts) is checked against the exact count per
     * chunk.
     */
    private List<String> pack(List<Piece> pieces) {
        List<String> chunks = new ArrayList<>();
        Deque<Piece> current = new ArrayDeque<>();
        int currentTokens = 0;
        int overlapCount = 0; // leading pieces of current that were already emitted
        int i = 0;
        while (i < pieces.size()) {
            Piece next = pieces.get(i);
            if (currentTokens + next.tokens() <= size) {
                current.addLast(next);
                currentTokens += next.tokens();
                i++;
                continue;
            }
            if (current.size() == overlapCount) {
                // Only overlap is held and the next piece does not fit beside it: drop overlap
                // first.
                currentTokens -= current.removeFirst().tokens();
                overlapCount--;
                continue;
            }
            i -= emit(current, overlapCount, chunks);
            currentTokens = keepOverlap(current);
            overlapCount = current.size();
        }
        if (current.size() > overlapCount) {
            i -= emit(current, overlapCount, chunks);
            if (i < pieces.size()) {
                // the exact count gave pieces back: pack them after the last chunk
                List<String> rest = pack(pieces.subList(i, pieces.size()));
                chunks.addAll(rest);
            }
        }
        return chunks;
    }

    /**
     * Emits the held pieces as one chunk. When the exact token count exceeds the estimate, new
     * pieces go back to the input (at least one new piece stays) and then overlap is dropped.
     *
     * @return how many pieces were given back to the input
     */
    private int emit(Deque<Piece> current, int overlapCount, List<String> chunks) {
        int givenBack = 0;
        String text = join(current).strip();
        while (current.size() > overlapCount + 1 && tokenizer.count(text) > size) {
            current.removeLast();
            givenBack++;
            text = join(current).strip();
        }
        while (overlapCount > 0 && tokenizer.count(text) > size) {
            current.removeFirst();
            overlapCount--;
            text = join(current).strip();
        }
        chunks.add(text);
        return givenBack;
    }

    /**
     * Keeps the trailing whole pieces that fit in the overlap budget; returns their token total.
     */
    private int keepOverlap(Deque<Piece> current) {
        Deque<Piece> tail = new ArrayDeque<>();
        int tokens = 0;
        while (!current.isEmpty() && tokens + current.peekLast().tokens() <= overlap) {
            Piece p = current.removeLast();
            tail.addFirst(p);
            tokens += p.tokens();
        }
        current.clear();
        current.addAll(tail);
        return tokens;
    }

    private static String join(Deque<Piece> pieces) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces) {
            sb.append(p.text());
        }
        return sb.toString();
    }
}
