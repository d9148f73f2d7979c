package dev.gemrag.connectors.records.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 that fails on malformed input instead of inventing U+FFFD characters. */
public final class StrictUtf8 {
    private StrictUtf8() {}

    /**
     * @param what names the bytes in the error ("value", "key")
     * @throws InvalidRecordException "invalid UTF-8 in value at byte 17"
     */
    public static String decode(byte[] bytes, String what) throws InvalidRecordException {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (
                CharacterCodingException
                        e) { // malformed or unmappable: the decoder stops at the bad byte
            throw new InvalidRecordException(
                    "invalid UTF-8 in " + what + " at byte " + in.position());
        }
    }

    /** Decodes, or returns null when the bytes are not valid UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        try {
            return decode(bytes, "bytes");
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    /** UTF-8 length of a well-formed string, without encoding it. */
    static long encodedLength(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
