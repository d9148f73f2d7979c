package dev.gemrag.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightShapes;
import dev.gemrag.model.WeightTensor;
import dev.gemrag.model.fetch.FileChecksums;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a Hugging Face model directory: config.json, model.safetensors or the shards listed in
 * model.safetensors.index.json, tokenizer.json and tokenizer_config.json. Weights are converted to
 * FP32 and keep Hugging Face's half-split Q/K row order ({@code RopeLayout.HALF_SPLIT}).
 */
public final class HfCheckpointLoader {
    private static final Logger LOG = LoggerFactory.getLogger(HfCheckpointLoader.class);

    private HfCheckpointLoader() {}

    public static Checkpoint load(Path dir) {
        long start = System.nanoTime();
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new HfFormatException(
                    configFile + ": file not found (not a Hugging Face model directory)");
        }
        JsonNode config =
                HfTokenizerFiles.parse(configFile, HfTokenizerFiles.readString(configFile));
        List<Path> shards = shards(dir);
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        for (Path shard : shards) {
            tensors.putAll(SafetensorsFile.open(shard).tensors());
        }
        LlamaConfig llama =
                HfConfigMapper.map(config, configFile, tensors.containsKey("lm_head.weight"));
        LlamaWeights weights = new LlamaWeights(readWeights(tensors));
        WeightShapes.check(dir, llama, weights);
        HfTokenizerFiles tok = HfTokenizerFiles.read(dir, config);
        List<Path> hashed = new ArrayList<>();
        hashed.add(configFile);
        hashed.addAll(shards);
        Checkpoint cp =
                new Checkpoint(
                        dir,
                        combinedSha256(hashed),
                        llama,
                        weights,
                        tok.tokenizerJson(),
                        tok.chatTemplate(),
                        tok.bosTokenId(),
                        tok.eosTokenIds(),
                        tok.appendEosTokenId());
        LOG.info(
                "loaded {} ({}, {} layers, {} shard(s)) in {} ms",
                dir.getFileName(),
                llama.architecture(),
                llama.numLayers(),
                shards.size(),
                (System.nanoTime() - start) / 1_000_000);
        return cp;
    }

    /** model.safetensors.index.json's shards, else model.safetensors, else every *.safetensors. */
    static List<Path> shards(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonNode map =
                    HfTokenizerFiles.parse(index, HfTokenizerFiles.readString(index))
                            .path("weight_map");
            if (!map.isObject() || map.isEmpty()) {
                throw new HfFormatException(index + ": has no weight_map");
            }
            TreeSet<String> names = new TreeSet<>();
            for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
                names.add(it.next().asText());
            }
            return names.stream().map(dir::resolve).toList();
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all =
                    files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                            .sorted()
                            .toList();
            if (all.isEmpty()) {
                throw new HfFormatException(dir + ": no *.safetensors weights found");
            }
            return all;
        } catch (IOException e) {
            throw new HfFormatException(dir + ": cannot list: " + e.getMessage());
        }
    }

    private static Map<String, WeightTensor> readWeights(Map<String, SafetensorsTensor> tensors) {
        Map<String, SafetensorsTensor> used = new LinkedHashMap<>();
        tensors.forEach(
                (name, t) -> {
                    String canonical = HfTensorNames.canonical(name);
                    if (canonical != null) {
                        used.put(canonical, t);
                    }
                });
        Map<String, WeightTensor> done = new ConcurrentHashMap<>();
        used.entrySet().parallelStream()
                .forEach(
                        e ->
                                done.put(
                                        e.getKey(),
                                        new WeightTensor(
                                                e.getKey(),
                                                e.getValue().shape(),
                                                SafetensorsDecoder.toFloats(e.getValue()))));
        Map<String, WeightTensor> ordered = new LinkedHashMap<>();
        used.keySet().forEach(k -> ordered.put(k, done.get(k)));
        return ordered;
    }

    /**
     * SHA-256 over the per-file checksums (cached in markers), so a directory has one stable id.
     */
    private static String combinedSha256(List<Path> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                md.update(
                        (f.getFileName() + "=" + FileChecksums.sha256(f) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
