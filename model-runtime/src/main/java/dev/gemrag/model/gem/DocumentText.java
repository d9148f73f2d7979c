package dev.gemrag.model.gem;

/**
 * The one way a document (chunk) becomes the text that is embedded with {@code EmbedRole.DOCUMENT}:
 * its title on the first line, then the text; the text alone when there is no title. Used by the
 * pipeline's chunk embedding, the eval and the trainer's passages, so all three embed documents
 * alike.
 */
public final class DocumentText {
    private DocumentText() {}

    public static String of(String title, String text) {
        return title == null || title.isBlank() ? text : title.strip() + "\n" + text;
    }
}
