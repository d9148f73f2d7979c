package dev.gemrag.connectors.local.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer's locking and bookkeeping, with a fake "python" (a shell script that makes a venv
 * whose pip only records its arguments): no network, no real packages.
 */
class MilvusLiteInstallerTest {
    @TempDir Path tmp;

    /**
     * A python stand-in: "-m venv DIR" creates DIR/bin/pip, which logs its call and creates
     * bin/milvus-lite.
     */
    private Path fakePython(boolean pipFails) throws Exception {
        Path pip = tmp.resolve(pipFails ? "pip-failing" : "pip-ok");
        Files.writeString(
                pip,
                "#!/bin/sh\n"
                        + "echo \"pip $*\" >> "
                        + tmp.resolve("calls.log")
                        + "\n"
                        + "sleep 0.3\n"
                        + "echo Collecting milvus-lite\n"
                        + (pipFails ? "echo 'ERROR: no network'\nexit 1\n" : "")
                        + "printf '#!/bin/sh\\n' > \"$(dirname \"$0\")/milvus-lite\"\n"
                        + "chmod +x \"$(dirname \"$0\")/milvus-lite\"\n");
        Path py = tmp.resolve(pipFails ? "python-failing" : "python-ok");
        Files.writeString(
                py,
                "#!/bin/sh\n"
                        + "[ \"$1\" = \"-m\" ] && [ \"$2\" = \"venv\" ] || exit 2\n"
                        + "mkdir -p \"$3/bin\"\n"
                        + "cp "
                        + pip
                        + " \"$3/bin/pip\"\n"
                        + "chmod +x \"$3/bin/pip\"\n");
        Files.setPosixFilePermissions(py, PosixFilePermissions.fromString("rwxr-xr-x"));
        return py;
    }

    @Test
    void concurrentCallersInstallOnceAndStreamPipOutput() throws Exception {
        Path py = fakePython(false);
        Path venv = tmp.resolve("venv");
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Path>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(
                    pool.submit(
                            () ->
                                    new MilvusLiteInstaller(venv, py.toString(), progress::add)
                                            .ensureInstalled()));
        }
        for (Future<Path> f : results) {
            assertThat(f.get()).isEqualTo(venv.resolve("bin/milvus-lite"));
        }
        pool.shutdown();
        List<String> calls = Files.readAllLines(tmp.resolve("calls.log"));
        assertThat(calls)
                .containsExactly(
                        "pip install --disable-pip-version-check --progress-bar off milvus-lite=="
                                + MilvusLiteInstaller.MILVUS_LITE_VERSION
                                + " pymilvus=="
                                + MilvusLiteInstaller.PYMILVUS_VERSION);
        assertThat(progress).contains("Collecting milvus-lite");
        assertThat(progress.get(0)).startsWith("installing milvus-lite==");
        // installed: a later call does not run pip again
        new MilvusLiteInstaller(venv, py.toString(), progress::add).ensureInstalled();
        assertThat(Files.readAllLines(tmp.resolve("calls.log"))).hasSize(1);
    }

    @Test
    void aFailedInstallSaysWhyAndIsRedoneNextTime() throws Exception {
        Path venv = tmp.resolve("venv");
        assertThatThrownBy(
                        () ->
                                new MilvusLiteInstaller(venv, fakePython(true).toString(), l -> {})
                                        .ensureInstalled())
                .hasMessageContaining("Milvus Lite setup failed")
                .hasMessageContaining("ERROR: no network");
        assertThat(venv.resolve("gemrag-milvus-lite.installed")).doesNotExist();
        Path ok =
                new MilvusLiteInstaller(venv, fakePython(false).toString(), l -> {})
                        .ensureInstalled();
        assertThat(ok).exists();
        assertThat(Files.readAllLines(tmp.resolve("calls.log"))).hasSize(2);
    }
}
