package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;
import org.assertj.core.data.Offset;

/**
 * The loss tests' gradient check: random inputs, flattened for NDArrays, and the autograd gradient
 * against central differences of the plain-Java loss.
 */
final class GradientCheck {
    private static final double H = 1e-3;

    private GradientCheck() {}

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

    /** rows x cols standard-normal entries. */
    static float[][] random(Random r, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return out;
    }

    /** Row-major copy of {@code a}. */
    static float[] flat(float[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
        }
        return out;
    }
}
