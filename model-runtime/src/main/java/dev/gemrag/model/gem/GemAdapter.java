package dev.gemrag.model.gem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A GEM adapter: descriptor ({@code NAME.json}) + F32 tensors ({@code NAME.safetensors} next to
 * it). See docs/ADAPTER_FORMAT.md.
 */
public record GemAdapter(AdapterDescriptor descriptor, Map<String, WeightTensor> tensors) {
    public static final String SUMMARY = "summary_embeddings";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static String loraA(int layer, String target) {
        return LlamaWeights.layer(layer, target) + ".lora_a";
    }

    public static String loraB(int layer, String target) {
        return LlamaWeights.layer(layer, target) + ".lora_b";
    }

    /** The safetensors file that belongs to a descriptor path: same name, {@code .safetensors}. */
    public static Path tensorsPath(Path descriptorJson) {
        String name = descriptorJson.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return descriptorJson.resolveSibling(stem + ".safetensors");
    }

    public static GemAdapter read(Path descriptorJson) throws IOException {
        if (!Files.isRegularFile(descriptorJson)) {
            throw new IOException("adapter descriptor not found: " + descriptorJson);
        }
        AdapterDescriptor d;
        try {
            d = JSON.readValue(descriptorJson.toFile(), AdapterDescriptor.class).validate();
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(
                    "bad adapter descriptor " + descriptorJson + ": " + e.getMessage(), e);
        }
        Path st = tensorsPath(descriptorJson);
        if (!Files.isRegularFile(st)) {
            throw new IOException(
                    "adapter tensors not found: "
                            + st
                            + " (expected next to "
                            + descriptorJson
                            + ")");
        }
        return new GemAdapter(d, Safetensors.read(st));
    }

    public void write(Path descriptorJson) throws IOException {
        Files.createDirectories(descriptorJson.toAbsolutePath().getParent());
        Safetensors.write(
                tensorsPath(descriptorJson), tensors, Map.of("format", AdapterDescriptor.FORMAT));
        Path tmp = descriptorJson.resolveSibling(descriptorJson.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), descriptor);
        Files.move(
                tmp,
                descriptorJson,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public WeightTensor summaryEmbeddings() {
        WeightTensor t = tensors.get(SUMMARY);
        if (t == null) {
            throw new IllegalArgumentException("adapter has no '" + SUMMARY + "' tensor");
        }
        return t;
    }

    /**
     * Refuses an adapter trained on another base, then checks every tensor's shape against the base
     * architecture. Messages name both checksums / the tensor.
     */
    public void checkCompatible(Checkpoint base) {
        String want = descriptor.baseModel().sha256();
        if (!want.equalsIgnoreCase(base.sha256())) {
            throw new IllegalArgumentException(
                    "adapter was trained on base "
                            + descriptor.baseModel().name()
                            + " (sha256 "
                            + want
                            + ") but the loaded base "
                            + base.source().getFileName()
                            + " has sha256 "
                            + base.sha256()
                            + ": refusing to mix them");
        }
        LlamaConfig c = base.config();
        expectShape(SUMMARY, new long[] {descriptor.k(), c.hiddenSize()});
        AdapterDescriptor.Lora lora = descriptor.lora();
        if (lora != null) {
            for (int i = 0; i < c.numLayers(); i++) {
                for (String t : lora.targets()) {
                    long[] w = base.weights().get(LlamaWeights.layer(i, t)).shape();
                    expectShape(loraA(i, t), new long[] {lora.rank(), w[1]});
                    expectShape(loraB(i, t), new long[] {w[0], lora.rank()});
                }
            }
        }
    }

    private void expectShape(String name, long[] shape) {
        WeightTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("adapter is missing tensor '" + name + "'");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(
                    "adapter tensor '"
                            + name
                            + "' has shape "
                            + Arrays.toString(t.shape())
                            + ", expected "
                            + Arrays.toString(shape));
        }
    }
}
