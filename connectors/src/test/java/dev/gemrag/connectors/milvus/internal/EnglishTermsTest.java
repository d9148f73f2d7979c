package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnglishTermsTest {

    @Test
    void stemsAsTheSnowballReferenceDoes() {
        // expected stems from the Snowball project's English reference (Python snowballstemmer
        // 3.0, an independent implementation of the same algorithm)
        assertThat(EnglishTerms.of("consign consigned consigning consignment"))
                .isEqualTo("consign consign consign consign");
        assertThat(EnglishTerms.of("generously ponies caresses happiness relational"))
                .isEqualTo("generous poni caress happi relat");
        assertThat(EnglishTerms.of("compresses archives nightly running directories"))
                .isEqualTo("compress archiv night run directori");
    }

    @Test
    void tokensAreWordsLowerCasedWithoutPossessivesOrPunctuation() {
        assertThat(EnglishTerms.of("The Kernel's md5sum: I/O, e-mail!"))
                .isEqualTo("the kernel md5sum i o e mail");
        assertThat(EnglishTerms.of("sha256sum\n--check")).isEqualTo("sha256sum check");
    }

    @Test
    void nothingToIndexGivesEmptyText() {
        assertThat(EnglishTerms.of("")).isEmpty();
        assertThat(EnglishTerms.of(null)).isEmpty();
        assertThat(EnglishTerms.of(" ?! -- ")).isEmpty();
    }
}
