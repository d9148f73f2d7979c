package dev.gemrag.model.llama.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.gemrag.model.llama.TorchRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The archive writer: libtorch compiles what it writes, and the methods compute what their source
 * says.
 */
class TorchScriptArchiveTest {

    @Test
    void libtorchCompilesTheArchiveAndRunsItsMethodsWithKnownOutput() {
        TorchRuntime.ensureConfigured();
        String methods =
                """
                  def affine(self, x: Tensor, w: List[Tensor], s: float) -> Tensor:
                    return torch.mul(torch.add(torch.matmul(x, w[0]), w[1]), s)
                  def write_at(self, cache: Tensor, x: Tensor, start: int) -> int:
                    cache[:, start:start + x.size(1)] = x
                    return start + x.size(1)
                """;
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                ScriptModule module = ScriptModule.compile(m, "Probe", methods)) {
            PtNDArray x = (PtNDArray) m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
            PtNDArray w =
                    (PtNDArray) m.create(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, new Shape(4, 2));
            PtNDArray b = (PtNDArray) m.create(new float[] {10, 20}, new Shape(2));
            // [1,2,3,4] @ w = [1+3, 2+3] = [4, 5]; + [10, 20] = [14, 25]; * 2 = [28, 50]
            try (IValue xs = IValue.from(x);
                    IValue ws = IValue.listFrom(w, b);
                    IValue s = IValue.from(2.0);
                    IValue r = module.run("affine", xs, ws, s)) {
                assertThat(r.toTensor((PtNDManager) m).toFloatArray()).containsExactly(28f, 50f);
            }
            // in-place writes into a caller's array are visible to the caller (the KV cache relies
            // on it)
            PtNDArray cache = (PtNDArray) m.zeros(new Shape(1, 5));
            PtNDArray two = (PtNDArray) m.create(new float[] {7, 8}, new Shape(1, 2));
            try (IValue c = IValue.from(cache);
                    IValue v = IValue.from(two);
                    IValue at = IValue.from(2L);
                    IValue r = module.run("write_at", c, v, at)) {
                assertThat(r.toLong()).isEqualTo(4L);
            }
            assertThat(cache.toFloatArray()).containsExactly(0f, 0f, 7f, 8f, 0f);
        }
    }

    @Test
    void aTypeErrorIsReportedWithTheSourceLine() {
        TorchRuntime.ensureConfigured();
        String methods =
                """
                  def broken(self, x: Tensor) -> Tensor:
                    return torch.add(x, "text")
                """;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> ScriptModule.compile(m, "Broken", methods))
                    .hasMessageContaining("torch.add")
                    .hasMessageContaining("code/__torch__.py");
        }
    }

    @Test
    void layoutIsLibtorchsStoredZip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TorchScriptArchive.write(out, "Probe", "  def f(self) -> int:\n    return 1\n");
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                if (e.getName().endsWith("version")) {
                    assertThat(new String(zip.readAllBytes()).trim()).isEqualTo("10");
                }
            }
        }
        assertThat(names)
                .containsExactly(
                        "archive/version",
                        "archive/byteorder",
                        "archive/code/__torch__.py",
                        "archive/data.pkl",
                        "archive/constants.pkl");
        assertThat(TorchScriptArchive.modulePickle("Probe"))
                .startsWith(0x80, 2, 'c')
                .endsWith('b', '.');
    }

    @Test
    void refusesAClassNameThatIsNotAnIdentifier() {
        assertThatThrownBy(() -> TorchScriptArchive.write(new ByteArrayOutputStream(), "a.b", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.b");
    }
}
