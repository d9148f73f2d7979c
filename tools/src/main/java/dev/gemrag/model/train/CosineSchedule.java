package dev.gemrag.model.train;

/**
 * Per-phase cosine decay: within the NTP phase {@code [0, ntpSteps)} from lrNtp, within the
 * contrastive phase from lrCl, each down to 10% of its peak, with a short linear warm-up (5% of the
 * phase, at least 1 step).
 */
public record CosineSchedule(int ntpSteps, int totalSteps, float lrNtp, float lrCl) {
    public float at(int step) {
        boolean ntp = step < ntpSteps;
        int start = ntp ? 0 : ntpSteps;
        int len = ntp ? ntpSteps : totalSteps - ntpSteps;
        float peak = ntp ? lrNtp : lrCl;
        int s = step - start;
        int warmup = Math.max(1, len / 20);
        if (s < warmup) {
            return peak * (s + 1) / warmup;
        }
        double progress = len <= warmup ? 1 : (double) (s - warmup) / (len - warmup);
        return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }
}
