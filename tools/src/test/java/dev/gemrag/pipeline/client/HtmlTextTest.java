package dev.gemrag.pipeline.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
    private static final String PAGE =
            """
            <html><head><title>Copying &amp; moving</title><style>p { color: red }</style>
            <script>var x = "<p>not text</p>";</script></head>
            <body><h1>cp</h1><p>Copy <b>files</b> and&nbsp;directories.</p><!-- hidden -->
            <ul><li>-r: recursive</li><li>-p: keep &lt;mode&gt; &#38; times &#x41;</li></ul></body></html>
            """;

    @Test
    void titleComesFromTheTitleElement() {
        assertThat(HtmlText.title(PAGE)).isEqualTo("Copying & moving");
        assertThat(HtmlText.title("<p>no title</p>")).isNull();
    }

    @Test
    void textDropsScriptsStylesCommentsAndTagsAndKeepsBlocksAsParagraphs() {
        assertThat(HtmlText.text(PAGE))
                .isEqualTo(
                        "cp\n\nCopy files and directories.\n\n-r: recursive\n\n-p: keep <mode> & times A");
    }
}
