package dev.gemrag.connectors.milvus.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: a lexer for the subset of Milvus' filter grammar (Plan.g4) our expressions use,
 * written from the grammar, not from FilterExpressions: identifiers, integers, operators,
 * punctuation and double/single-quoted strings whose escapes are \" \' \\ \n \r \t (a raw CR/LF
 * ends nothing: it is an error, as in Milvus). Strings come back decoded, so a test can check a
 * value survived as ONE literal.
 */
final class ReferenceExprLexer {
    record Token(String kind, String text) {
        @Override
        public String toString() {
            return kind + "(" + text + ")";
        }
    }

    static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder v = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= s.length()) {
                        throw new IllegalArgumentException(
                                "unterminated string at " + i + ": " + s);
                    }
                    char d = s.charAt(j);
                    if (d == c) {
                        break;
                    }
                    if (d == '\n' || d == '\r') {
                        throw new IllegalArgumentException("raw newline in string at " + j);
                    }
                    if (d == '\\') {
                        char e = s.charAt(j + 1);
                        v.append(
                                switch (e) {
                                    case '"' -> '"';
                                    case '\'' -> '\'';
                                    case '\\' -> '\\';
                                    case 'n' -> '\n';
                                    case 'r' -> '\r';
                                    case 't' -> '\t';
                                    default ->
                                            throw new IllegalArgumentException(
                                                    "unknown escape \\" + e);
                                });
                        j += 2;
                    } else {
                        v.append(d);
                        j++;
                    }
                }
                out.add(new Token("STR", v.toString()));
                i = j + 1;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length()
                        && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                String w = s.substring(i, j);
                String lw = w.toLowerCase();
                out.add(
                        new Token(
                                lw.equals("and")
                                                || lw.equals("or")
                                                || lw.equals("not")
                                                || lw.equals("in")
                                        ? "KW"
                                        : "ID",
                                lw.equals("and")
                                                || lw.equals("or")
                                                || lw.equals("not")
                                                || lw.equals("in")
                                        ? lw
                                        : w));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                out.add(new Token("INT", s.substring(i, j)));
                i = j;
            } else if (s.startsWith("==", i)
                    || s.startsWith("!=", i)
                    || s.startsWith(">=", i)
                    || s.startsWith("<=", i)) {
                out.add(new Token("OP", s.substring(i, i + 2)));
                i += 2;
            } else if ("()[],<>".indexOf(c) >= 0) {
                out.add(new Token("P", String.valueOf(c)));
                i++;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in " + s);
            }
        }
        return out;
    }

    private ReferenceExprLexer() {}
}
