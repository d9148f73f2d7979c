package dev.gemrag.pipeline.cli;

/** Turns an exception from a command into the one line an operator reads. */
final class UserFacingError {
    private UserFacingError() {}

    static String describe(Throwable ex) {
        Throwable t = ex;
        // Wrappers (ExecutionException, CompletionException, ...) carry no message of their own
        // worth showing.
        while (t.getCause() != null
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }
}
