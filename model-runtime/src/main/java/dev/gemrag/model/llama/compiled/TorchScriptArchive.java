package dev.gemrag.model.llama.compiled;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript model archive that holds only source code, so libtorch compiles it when it
 * loads the file ({@code torch::jit::load}); no Python is involved.
 *
 * <p>The layout is libtorch's own serialization format (pinned to what PyTorch 2.7 reads; the round
 * trip is tested in {@code TorchScriptArchiveTest}):
 *
 * <pre>
 *   archive/version              file format version (decimal text)
 *   archive/byteorder            "little"
 *   archive/code/__torch__.py    class NAME(Module): ... the methods, in TorchScript's Python subset
 *   archive/data.pkl             pickle of one NAME object whose only attribute is {@code training = False}
 *   archive/constants.pkl        pickle of an empty tuple
 * </pre>
 *
 * The module has no parameters or buffers: tensors are method arguments, so the weights stay in the
 * caller's arrays (no copy into the archive). Entries are stored uncompressed, as torch writes
 * them.
 */
public final class TorchScriptArchive {
    /**
     * File format version written: the highest PyTorch 2.7 reads (0xA). Below 4, libtorch rewrites
     * division ops through "upgraders" for old semantics, which we neither want nor need.
     */
    static final int FORMAT_VERSION = 10;

    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TorchScriptArchive() {}

    /**
     * @param className the module class ({@code __torch__.className})
     * @param methods method definitions indented by two spaces, each {@code def name(self, ...) ->
     *     T:}
     */
    public static void write(Path file, String className, String methods) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, className, methods);
        }
    }

    public static void write(OutputStream target, String className, String methods)
            throws IOException {
        if (!CLASS_NAME.matcher(className).matches()) {
            throw new IllegalArgumentException(
                    "not a valid TorchScript class name: '" + className + "'");
        }
        String code =
                "class "
                        + className
                        + "(Module):\n"
                        + "  __parameters__ = []\n"
                        + "  __buffers__ = []\n"
                        + "  training : bool\n"
                        + methods;
        ZipOutputStream zip = new ZipOutputStream(target);
        stored(zip, "archive/version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        stored(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        stored(zip, "archive/data.pkl", modulePickle(className));
        stored(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        zip.finish();
    }

    /**
     * Pickle protocol 2: {@code GLOBAL '__torch__ NAME'; EMPTY_TUPLE; NEWOBJ; EMPTY_DICT;
     * 'training' -> False; SETITEM; BUILD; STOP} - the object torch.jit.save writes for a module
     * without state.
     */
    static byte[] modulePickle(String className) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80); // PROTO
        b.write(2);
        b.write('c'); // GLOBAL module \n name \n
        b.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        b.write(')'); // EMPTY_TUPLE
        b.write(0x81); // NEWOBJ
        b.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        b.write('X'); // BINUNICODE, 4-byte little-endian length
        b.write(key.length);
        b.write(0);
        b.write(0);
        b.write(0);
        b.writeBytes(key);
        b.write(0x89); // NEWFALSE
        b.write('s'); // SETITEM
        b.write('b'); // BUILD
        b.write('.'); // STOP
        return b.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
