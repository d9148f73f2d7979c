package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.milvus.internal.ReferenceExprLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FilterExpressionsTest {

    static final List<String> NASTY =
            List.of(
                    "a\" or \"1\"==\"1", // quote break-out
                    "x\") or (doc_id != \"", // parentheses break-out
                    "a\\", // trailing backslash would escape the closing quote
                    "\\\"", // backslash + quote
                    "g\"]) or true or ARRAY_CONTAINS_ANY(acl, [\"",
                    "or",
                    "and",
                    "not",
                    "in",
                    "true",
                    "]",
                    "[",
                    ")",
                    "(",
                    ",",
                    "'",
                    "'single' or 'x'=='x'",
                    "groupe-équipe",
                    "小组",
                    "👩‍💻 devs",
                    "Ω≈ç√",
                    "tab\there",
                    "line\nbreak",
                    "cr\rlf",
                    " spaced ",
                    "%_like_%",
                    "$meta",
                    "#1");

    private static Token t(String kind, String text) {
        return new Token(kind, text);
    }

    @Test
    void literalEscapesQuoteBackslashAndNewlines() {
        assertThat(FilterExpressions.literal("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(FilterExpressions.literal("a\\")).isEqualTo("\"a\\\\\"");
        assertThat(FilterExpressions.literal("x\ny\rz\tw")).isEqualTo("\"x\\ny\\rz\\tw\"");
        assertThat(FilterExpressions.literal("é ] ) or")).isEqualTo("\"é ] ) or\"");
    }

    @Test
    void everyNastyValueIsOneLiteralWithItsExactValue() {
        for (String v : NASTY) {
            assertThat(ReferenceExprLexer.lex(FilterExpressions.literal(v)))
                    .as(v)
                    .containsExactly(t("STR", v));
        }
    }

    @Test
    void aclFilterKeepsItsShapeWhateverTheGroups() {
        List<String> groups = new ArrayList<>(NASTY);
        List<Token> expected =
                new ArrayList<>(
                        List.of(
                                t("ID", "ARRAY_CONTAINS_ANY"),
                                t("P", "("),
                                t("ID", "acl"),
                                t("P", ","),
                                t("P", "[")));
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) {
                expected.add(t("P", ","));
            }
            expected.add(t("STR", groups.get(i)));
        }
        expected.add(t("P", "]"));
        expected.add(t("P", ")"));
        assertThat(ReferenceExprLexer.lex(FilterExpressions.aclFilter(groups, false)))
                .containsExactlyElementsOf(expected);

        List<Token> withPublic = new ArrayList<>();
        withPublic.add(t("P", "("));
        withPublic.addAll(expected);
        withPublic.addAll(
                List.of(
                        t("KW", "or"),
                        t("ID", "array_length"),
                        t("P", "("),
                        t("ID", "acl"),
                        t("P", ")"),
                        t("OP", "=="),
                        t("INT", "0"),
                        t("P", ")")));
        assertThat(ReferenceExprLexer.lex(FilterExpressions.aclFilter(groups, true)))
                .containsExactlyElementsOf(withPublic);
    }

    @Test
    void randomStringsFromAHostileAlphabetStayLiterals() {
        String alphabet = "\"'\\[](),= orandin\n\r\téß🙂#";
        Random rnd = new Random(42);
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.appendCodePoint(
                        alphabet.codePointAt(
                                alphabet.offsetByCodePoints(
                                        0,
                                        rnd.nextInt(
                                                alphabet.codePointCount(0, alphabet.length())))));
            }
            String v = sb.toString();
            assertThat(ReferenceExprLexer.lex(FilterExpressions.staleChunks(v, 7, 3)))
                    .as(v)
                    .containsExactly(
                            t("P", "("),
                            t("ID", "doc_id"),
                            t("OP", "=="),
                            t("STR", v),
                            t("KW", "and"),
                            t("P", "("),
                            t("ID", "doc_version"),
                            t("OP", "!="),
                            t("INT", "7"),
                            t("KW", "or"),
                            t("ID", "chunk_index"),
                            t("OP", ">="),
                            t("INT", "3"),
                            t("P", ")"),
                            t("P", ")"));
        }
    }

    @Test
    void deleteOfWholeDocumentsListsEachIdAsALiteral() {
        assertThat(ReferenceExprLexer.lex(FilterExpressions.allChunksOf(List.of("a\"", "b]"))))
                .containsExactly(
                        t("ID", "doc_id"),
                        t("KW", "in"),
                        t("P", "["),
                        t("STR", "a\""),
                        t("P", ","),
                        t("STR", "b]"),
                        t("P", "]"));
    }
}
