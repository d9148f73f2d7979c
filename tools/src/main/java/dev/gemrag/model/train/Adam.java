package dev.gemrag.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba) on NDArrays, updating parameters in place outside the gradient recording:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * m/(1-b1^t) / (sqrt(v/(1-b2^t)) +
 * eps)}. Moments live in the optimizer's own manager.
 */
public final class Adam implements AutoCloseable {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private int t;

    public Adam(NDManager parent, float beta1, float beta2, float eps) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    public static Adam standard(NDManager parent) {
        return new Adam(parent, 0.9f, 0.999f, 1e-8f);
    }

    /** One update of every parameter that has a gradient; gradients are zeroed afterwards. */
    public void step(Map<String, NDArray> params, float lr) {
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            try (NDManager scope = manager.newSubManager()) {
                NDArray g = p.getGradient();
                g.attach(scope);
                NDArray mi = m.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
                NDArray vi = v.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
                mi.muli(beta1).addi(g.mul(1 - beta1));
                vi.muli(beta2).addi(g.square().muli(1 - beta2));
                // temporaries of mi/vi would land in the optimizer's manager: move them into this
                // step's scope
                NDArray mHat = mi.div(c1);
                mHat.attach(scope);
                NDArray vHat = vi.div(c2);
                vHat.attach(scope);
                p.subi(mHat.divi(vHat.sqrt().addi(eps)).muli(lr));
                g.muli(0f);
            }
        }
    }

    public int steps() {
        return t;
    }

    /** State for checkpoints: {@code m/NAME}, {@code v/NAME} as host arrays. */
    public Map<String, NDArray> moments() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m/" + k, a));
        v.forEach((k, a) -> out.put("v/" + k, a));
        return out;
    }

    public void restore(int steps, Map<String, float[]> moments, Map<String, NDArray> params) {
        this.t = steps;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] mm = moments.get("m/" + e.getKey());
            float[] vv = moments.get("v/" + e.getKey());
            if (mm != null && vv != null) {
                m.put(e.getKey(), manager.create(mm, e.getValue().getShape()));
                v.put(e.getKey(), manager.create(vv, e.getValue().getShape()));
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
