package dev.gemrag.model.train;

import dev.gemrag.model.gem.AdapterDescriptor;
import dev.gemrag.model.gem.GemAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapter a second training stage starts from ({@code --init}): its summary rows, LoRA pairs
 * and logit scale become the starting parameters, while Adam and the learning-rate schedule start
 * fresh. An adapter made for another base or another parameter layout is refused up front, since
 * its tensors would either not fit or mean something else.
 *
 * @param path the descriptor as given on the command line
 * @param sha256 checksum of its tensors file (what the continuation really started from)
 * @param adapter the adapter read from disk
 * @param logitScale the stage's final log logit scale when the descriptor recorded one, else null
 */
public record InitAdapter(Path path, String sha256, GemAdapter adapter, Float logitScale) {
    /** Key in {@code training.notes} under which the trainer records the final log logit scale. */
    public static final String LOGIT_SCALE_NOTE = "log_logit_scale";

    public static InitAdapter read(Path descriptor) throws IOException {
        GemAdapter adapter = GemAdapter.read(descriptor);
        Float scale = null;
        AdapterDescriptor.Training t = adapter.descriptor().training();
        if (t != null && t.notes() != null && t.notes().get(LOGIT_SCALE_NOTE) instanceof Number n) {
            scale = n.floatValue();
        }
        return new InitAdapter(
                descriptor,
                DataChecksum.sha256(GemAdapter.tensorsPath(descriptor)),
                adapter,
                scale);
    }

    /**
     * Refuses an adapter whose base, k, rank, alpha, targets or LoRA positions differ from the
     * run's: one line naming every field that differs.
     */
    public void checkMatches(TrainConfig config, String baseSha256) {
        AdapterDescriptor d = adapter.descriptor();
        AdapterDescriptor.Lora lora = d.lora();
        int rank = lora == null ? 0 : lora.rank();
        List<String> diffs = new ArrayList<>();
        if (!d.baseModel().sha256().equalsIgnoreCase(baseSha256)) {
            diffs.add("base sha256 " + d.baseModel().sha256() + " vs " + baseSha256);
        }
        if (d.k() != config.k()) {
            diffs.add("k " + d.k() + " vs " + config.k());
        }
        if (rank != config.rank()) {
            diffs.add("rank " + rank + " vs " + config.rank());
        }
        if (lora != null && config.rank() > 0) {
            if (lora.alpha() != config.alpha()) {
                diffs.add("alpha " + lora.alpha() + " vs " + config.alpha());
            }
            if (!lora.targets().equals(config.targets())) {
                diffs.add("targets " + lora.targets() + " vs " + config.targets());
            }
            String positions =
                    config.summaryOnly()
                            ? AdapterDescriptor.Lora.SUMMARY
                            : AdapterDescriptor.Lora.ALL;
            if (!lora.positions().equals(positions)) {
                diffs.add("lora positions " + lora.positions() + " vs " + positions);
            }
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException(
                    "--init "
                            + path
                            + " does not fit this run (adapter vs run: "
                            + String.join(", ", diffs)
                            + ")");
        }
    }

    /**
     * Starting values by parameter name: every adapter tensor, plus the logit scale (the recorded
     * one, else the value fresh parameters start with).
     */
    public Map<String, float[]> values(float freshLogitScale) {
        Map<String, float[]> v = new LinkedHashMap<>();
        adapter.tensors().forEach((name, t) -> v.put(name, t.data()));
        v.put(
                GemParameters.LOGIT_SCALE,
                new float[] {logitScale != null ? logitScale : freshLogitScale});
        return v;
    }

    /** What the descriptor's {@code training.notes.init} records, so the recipe stays whole. */
    public Map<String, Object> note() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("adapter", path.toString());
        n.put("tensors_sha256", sha256);
        AdapterDescriptor.Training t = adapter.descriptor().training();
        if (t != null) {
            n.put("command", t.command());
            n.put("steps", t.steps());
            n.put("data_files", t.dataFiles());
            if (t.wallSeconds() != null) {
                n.put("wall_seconds", t.wallSeconds());
            }
        }
        return n;
    }
}
