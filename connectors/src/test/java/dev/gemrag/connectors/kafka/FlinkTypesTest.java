package dev.gemrag.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Citation;
import dev.gemrag.connectors.records.DeadLetter;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentDelete;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.connectors.records.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every record type that crosses a Flink network or state boundary is serialised by Flink itself,
 * not Kryo.
 */
class FlinkTypesTest {

    @Test
    void noRecordTypeFallsBackToKryo() {
        for (Class<?> c :
                List.of(
                        ParsedDocument.class,
                        ParsedQuestion.class,
                        DocumentEvent.class,
                        Document.class,
                        DocumentDelete.class,
                        Question.class,
                        Answer.class,
                        Citation.class,
                        DeadLetter.class,
                        Chunk.class,
                        IndexAction.class)) {
            List<String> generic = new ArrayList<>();
            collectGeneric(TypeInformation.of(c), c.getSimpleName(), generic);
            assertThat(generic).as("Kryo-serialised parts of " + c.getSimpleName()).isEmpty();
        }
    }

    @Test
    void parsedDocumentAndAnswerSurviveFlinkSerialisationWithGenericTypesDisabled()
            throws Exception {
        Document d = new Document("d1", 3, "T", "text", null, new String[] {"g"}, "{}");
        ParsedDocument doc = ParsedDocument.valid(DocumentEvent.upsert(d));
        ParsedDocument bad =
                ParsedDocument.invalid(
                        new DeadLetter("documents", 0, 9, null, new byte[] {1, 2}, "r", "parse"));
        Answer a =
                new Answer(
                        "q",
                        "a",
                        List.of(new Citation("d1", "d1#0", "T", 0.5f)),
                        "m",
                        Map.of("total", 5L));
        assertThat(roundTrip(doc, ParsedDocument.class)).usingRecursiveComparison().isEqualTo(doc);
        assertThat(roundTrip(bad, ParsedDocument.class)).usingRecursiveComparison().isEqualTo(bad);
        assertThat(roundTrip(a, Answer.class)).usingRecursiveComparison().isEqualTo(a);
    }

    private static <T> T roundTrip(T value, Class<T> type) throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // any Kryo fallback would throw here
        TypeSerializer<T> s = TypeInformation.of(type).createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(value, out);
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static void collectGeneric(TypeInformation<?> t, String path, List<String> out) {
        if (t instanceof GenericTypeInfo) {
            out.add(path + ": " + t);
            return;
        }
        if (t instanceof org.apache.flink.api.common.typeutils.CompositeType<?> ct) {
            for (int i = 0; i < ct.getArity(); i++) {
                collectGeneric(ct.getTypeAt(i), path + "." + ct.getFieldNames()[i], out);
            }
        }
        for (var e : t.getGenericParameters().entrySet()) {
            collectGeneric(e.getValue(), path + "<" + e.getKey() + ">", out);
        }
        if (t instanceof org.apache.flink.api.java.typeutils.ListTypeInfo<?> l) {
            collectGeneric(l.getElementTypeInfo(), path + "[]", out);
        }
        if (t instanceof org.apache.flink.api.java.typeutils.MapTypeInfo<?, ?> m) {
            collectGeneric(m.getKeyTypeInfo(), path + "{k}", out);
            collectGeneric(m.getValueTypeInfo(), path + "{v}", out);
        }
        if (t instanceof org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo<?, ?> a) {
            collectGeneric(a.getComponentInfo(), path + "[]", out);
        }
    }
}
