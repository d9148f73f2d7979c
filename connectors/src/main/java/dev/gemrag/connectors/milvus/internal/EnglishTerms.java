package dev.gemrag.connectors.milvus.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.tartarus.snowball.ext.EnglishStemmer;

/**
 * English terms of a text, space-separated: Lucene's standard (UAX#29) tokenizer, possessive "'s"
 * dropped, lower case, Snowball English stems. No stop words: BM25's idf already mutes them, and
 * dropping them measured no better.
 */
public final class EnglishTerms {
    // Lucene analyzers are thread-safe: each thread reuses its own token stream
    private static final Analyzer ANALYZER =
            new Analyzer() {
                @Override
                protected TokenStreamComponents createComponents(String field) {
                    StandardTokenizer source = new StandardTokenizer();
                    TokenStream terms = new EnglishPossessiveFilter(source);
                    terms = new LowerCaseFilter(terms);
                    terms = new SnowballFilter(terms, new EnglishStemmer());
                    return new TokenStreamComponents(source, terms);
                }
            };

    private EnglishTerms() {}

    public static String of(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        try (TokenStream ts = ANALYZER.tokenStream("", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(term);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String reader does not fail
        }
        return out.toString();
    }
}
