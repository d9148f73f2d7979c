package dev.gemrag.operators.answer;

/**
 * The vector search failed (the index is down, restarting or unreachable): the asker gets {@link
 * AnswerFunction#RETRIEVAL_UNAVAILABLE}, the log gets the client's error in one line.
 */
final class RetrievalUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetrievalUnavailableException(RuntimeException cause) {
        super(oneLine(cause), cause);
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ");
    }
}
