package dev.gemrag.model.train;

/**
 * One optimizer step as reported to the console and listeners.
 *
 * @param ntpLoss NaN in the contrastive phase (not computed)
 * @param clLoss NaN in the NTP phase (not computed)
 */
public record StepStats(
        int step,
        int steps,
        double ntpLoss,
        double clLoss,
        double loss,
        float lr,
        float logitScale,
        long tokens,
        long nanos,
        long etaSeconds) {
    public double tokensPerSecond() {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
}
