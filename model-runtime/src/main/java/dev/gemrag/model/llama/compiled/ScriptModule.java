package dev.gemrag.model.llama.compiled;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript module compiled by libtorch from a {@link TorchScriptArchive}, whose methods are
 * called by name. The archive is a temporary file, deleted once loaded.
 */
public final class ScriptModule implements AutoCloseable {
    private final PtSymbolBlock block;

    private ScriptModule(PtSymbolBlock block) {
        this.block = block;
    }

    /**
     * Compiles {@code methods} (see {@link TorchScriptArchive#write}) on {@code manager}'s device.
     * A syntax or type error comes back as libtorch's message, which points at the line.
     */
    public static ScriptModule compile(NDManager manager, String className, String methods) {
        Path file = null;
        try {
            file = Files.createTempFile("gemrag-" + className, ".pt");
            TorchScriptArchive.write(file, className, methods);
            PtSymbolBlock block =
                    JniUtils.loadModule(
                            (PtNDManager) manager, file, true, new String[0], new String[0], false);
            return new ScriptModule(block);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the TorchScript archive: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Runs a method; the caller closes the result (and its own arguments). */
    public IValue run(String method, IValue... args) {
        return IValueUtils.runMethod(block, method, args);
    }

    @Override
    public void close() {
        block.close();
    }
}
