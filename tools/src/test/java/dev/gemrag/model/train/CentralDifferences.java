package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleSupplier;
import org.assertj.core.data.Offset;

/** Checks an autograd gradient against central differences of the plain-Java loss. */
final class CentralDifferences {
    private static final double H = 1e-3;

    private CentralDifferences() {}

    /**
     * {@code grad} (row-major, the shape of {@code side}) against (loss(x + h) - loss(x - h)) / 2h
     * for every entry x of {@code side}; {@code loss} reads {@code side}, nudged in place.
     */
    static void assertGradient(String name, float[][] side, float[] grad, DoubleSupplier loss) {
        for (int i = 0; i < side.length; i++) {
            for (int c = 0; c < side[i].length; c++) {
                float keep = side[i][c];
                side[i][c] = (float) (keep + H);
                double up = loss.getAsDouble();
                side[i][c] = (float) (keep - H);
                double down = loss.getAsDouble();
                side[i][c] = keep;
                assertThat(grad[i * side[i].length + c])
                        .as(name + "[" + i + "][" + c + "]")
                        .isCloseTo((float) ((up - down) / (2 * H)), Offset.offset(2e-3f));
            }
        }
    }
}
