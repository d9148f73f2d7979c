package dev.gemrag.model.gem;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The JSON half of a GEM adapter ({@code gemrag-gem-adapter/1}, docs/ADAPTER_FORMAT.md).
 *
 * @param lora null when the adapter carries only summary rows
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AdapterDescriptor(
        @JsonProperty("format") String format,
        @JsonProperty("base_model") BaseModel baseModel,
        @JsonProperty("summary_tokens") List<String> summaryTokens,
        @JsonProperty("k") int k,
        @JsonProperty("pooling") String pooling,
        @JsonProperty("normalize") boolean normalize,
        @JsonProperty("query_instruction") String queryInstruction,
        @JsonProperty("document_instruction") String documentInstruction,
        @JsonProperty("max_tokens") int maxTokens,
        @JsonProperty("lora") Lora lora,
        @JsonProperty("training") Training training) {

    public static final String FORMAT = "gemrag-gem-adapter/1";
    public static final List<String> DEFAULT_TARGETS =
            List.of("wq", "wk", "wv", "wo", "w1", "w2", "w3");

    /** Checks what a loader relies on; the message names the field and the fix. */
    public AdapterDescriptor validate() {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(
                    "adapter format is '" + format + "', expected '" + FORMAT + "'");
        }
        if (baseModel == null || baseModel.sha256() == null || baseModel.sha256().isBlank()) {
            throw new IllegalArgumentException("adapter descriptor has no base_model.sha256");
        }
        if (k < 1) {
            throw new IllegalArgumentException("adapter k must be >= 1, got " + k);
        }
        if (summaryTokens != null && !summaryTokens.isEmpty() && summaryTokens.size() != k) {
            throw new IllegalArgumentException(
                    "adapter lists " + summaryTokens.size() + " summary_tokens but k = " + k);
        }
        if (!"gem".equalsIgnoreCase(pooling == null ? "gem" : pooling)) {
            throw new IllegalArgumentException(
                    "adapter pooling '" + pooling + "' is not supported (only 'gem')");
        }
        if (maxTokens <= k) {
            throw new IllegalArgumentException(
                    "adapter max_tokens " + maxTokens + " must exceed k = " + k);
        }
        if (lora != null) {
            if (lora.rank() < 1) {
                throw new IllegalArgumentException(
                        "adapter lora.rank must be >= 1, got " + lora.rank());
            }
            for (String t : lora.targets()) {
                if (!DEFAULT_TARGETS.contains(t)) {
                    throw new IllegalArgumentException(
                            "adapter lora target '" + t + "' is not one of " + DEFAULT_TARGETS);
                }
            }
        }
        return this;
    }

    public String instruction(dev.gemrag.model.EmbedRole role) {
        String s =
                role == dev.gemrag.model.EmbedRole.QUERY ? queryInstruction : documentInstruction;
        return s == null ? "" : s;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BaseModel(
            @JsonProperty("name") String name, @JsonProperty("sha256") String sha256) {}

    /**
     * @param positions where the LoRA applies: {@code "all"} (absent in older adapters: every
     *     token, the paper's layout; merged into W at load) or {@code "summary"} (only the summary
     *     tokens' step; text tokens and generation run the base weights)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lora(
            @JsonProperty("rank") int rank,
            @JsonProperty("alpha") float alpha,
            @JsonProperty("targets") List<String> targets,
            @JsonProperty("positions") String positions) {
        public static final String ALL = "all";
        public static final String SUMMARY = "summary";

        public Lora {
            positions = positions == null ? ALL : positions;
            if (!ALL.equals(positions) && !SUMMARY.equals(positions)) {
                throw new IllegalArgumentException(
                        "adapter lora.positions must be '"
                                + ALL
                                + "' or '"
                                + SUMMARY
                                + "', got '"
                                + positions
                                + "'");
            }
        }

        public Lora(int rank, float alpha, List<String> targets) {
            this(rank, alpha, targets, ALL);
        }

        public float scale() {
            return alpha / rank;
        }

        public boolean summaryOnly() {
            return SUMMARY.equals(positions);
        }
    }

    /**
     * How the adapter was made. The fields after {@code data} are absent in older adapters.
     *
     * @param dataFiles every file read, as {@code name -> sha256}
     * @param heldOut what was left out of training, in words
     * @param wallSeconds wall time of the run that wrote this adapter (a resumed run: the last part
     *     only)
     * @param notes free-form facts about the recipe (objective, batch, lr, layout)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Training(
            @JsonProperty("command") String command,
            @JsonProperty("seed") long seed,
            @JsonProperty("steps") int steps,
            @JsonProperty("data") String data,
            @JsonProperty("data_files") java.util.Map<String, String> dataFiles,
            @JsonProperty("held_out") String heldOut,
            @JsonProperty("wall_seconds") Double wallSeconds,
            @JsonProperty("notes") java.util.Map<String, Object> notes) {
        public Training(String command, long seed, int steps, String data) {
            this(command, seed, steps, data, null, null, null, null);
        }
    }
}
