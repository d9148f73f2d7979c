package dev.gemrag.connectors.milvus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclGroupsTest {

    @Test
    void keepsUnicodeAndPunctuationDropsDuplicates() {
        assertThat(AclGroups.validate(List.of("小组", "a\" or \"1\"==\"1", "]", "小组"), 8, 64, "q"))
                .containsExactly("小组", "a\" or \"1\"==\"1", "]");
        assertThat(AclGroups.validate(null, 8, 64, "q")).isEmpty();
    }

    @Test
    void rejectsEmptyControlCharactersLongNamesAndTooManyGroups() {
        assertThatThrownBy(() -> AclGroups.validate(List.of(""), 8, 64, "question groups"))
                .hasMessage("question groups: empty group name");
        assertThatThrownBy(() -> AclGroups.validate(Arrays.asList("a", null), 8, 64, "q"))
                .hasMessageContaining("empty group name");
        assertThatThrownBy(() -> AclGroups.validate(List.of("a\nb"), 8, 64, "q"))
                .hasMessageContaining("control character U+000A");
        assertThat(AclGroups.validate(List.of("a\nb"), 8, 64, "stored acl", true))
                .containsExactly("a\nb");
        // 3 bytes per character: 22 characters = 66 bytes > 64
        assertThatThrownBy(() -> AclGroups.validate(List.of("小".repeat(22)), 8, 64, "q"))
                .hasMessageContaining("longer than 64 bytes");
        assertThatThrownBy(
                        () ->
                                AclGroups.validate(
                                        Collections.nCopies(9, "x").stream()
                                                .map(s -> s + Math.random())
                                                .toList(),
                                        8,
                                        64,
                                        "q"))
                .hasMessageContaining("9 groups, at most 8 allowed (milvus.acl.max-groups)");
    }
}
