package dev.gemrag.model;

/**
 * One turn of a chat, rendered through the model's chat template. Role: system, user or assistant.
 */
public record ChatMessage(String role, String content) {
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }
}
