package dev.gemrag.model.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Distillation from teacher embedders (objective 3): the student's in-batch similarity distribution
 * (queries x documents, {@code softmax(scale * cos)}) is pulled towards the teachers' ({@code
 * softmax(cos / temperature)}, averaged over teachers) by a KL divergence, mixed with InfoNCE as
 * {@code (1 - weight) InfoNCE + weight KL}. Teachers run only at training time, and each (pair,
 * role) is embedded once per pairs file ({@link TeacherCache}).
 *
 * @param teachers teacher names ({@link Teachers#NAMES}); empty = no distillation
 * @param weight share of the KL term in the loss, in [0, 1]; 1 = distillation alone
 * @param temperature teacher softmax temperature (> 0)
 * @param cacheDir folder of the teacher-embedding caches
 */
public record Distillation(List<String> teachers, float weight, float temperature, Path cacheDir) {
    public static final float DEFAULT_TEMPERATURE = 0.05f;
    public static final Distillation NONE =
            new Distillation(List.of(), 0f, DEFAULT_TEMPERATURE, null);

    public Distillation {
        teachers = List.copyOf(teachers);
        if (weight < 0 || weight > 1 || !(temperature > 0)) {
            throw new IllegalArgumentException(
                    "train: distillation weight must be in [0, 1] and temperature > 0, got "
                            + weight
                            + " and "
                            + temperature);
        }
        if (weight > 0 && teachers.isEmpty()) {
            throw new IllegalArgumentException(
                    "train: a distillation weight > 0 needs --teachers (one of "
                            + Teachers.NAMES
                            + ")");
        }
        for (String t : teachers) {
            if (!Teachers.NAMES.contains(t)) {
                throw new IllegalArgumentException(
                        "train: unknown teacher '" + t + "', expected one of " + Teachers.NAMES);
            }
        }
        if (!teachers.isEmpty() && cacheDir == null) {
            throw new IllegalArgumentException("train: teachers need a cache folder");
        }
    }

    public boolean enabled() {
        return weight > 0;
    }
}
