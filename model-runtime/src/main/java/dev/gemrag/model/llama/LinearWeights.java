package dev.gemrag.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * The one way every projection of the decoder is applied: wq, wk, wv, wo, w1, w2, w3.
 *
 * <p>{@code name} is the canonical weight name from {@link dev.gemrag.model.LlamaWeights}, e.g.
 * {@code "layers.3.wq"}. {@code x} has shape {@code [..., in]}; the result {@code [..., out]} must
 * include the bias when the checkpoint has one (Qwen2 q/k/v), and must stay differentiable with
 * respect to any parameter the implementation trains (no in-place ops on them).
 *
 * <p>The result belongs to {@code x}'s manager: put {@code x} first in every op (DJL attaches an
 * op's result to its first operand's manager).
 *
 * <p>A LoRA trainer wraps {@link LlamaModel#baseLinear()}:
 *
 * <pre>{@code
 * LinearWeights base = model.baseLinear();
 * model.setLinear((name, x) -> {
 *     NDArray y = base.apply(name, x);
 *     Lora l = loras.get(name);                 // trainable A {r, in}, B {out, r}
 *     return l == null ? y : y.add(Scalars.times(x.matMul(l.a().transpose()).matMul(l.b().transpose()), l.scale()));
 * });
 * }</pre>
 */
@FunctionalInterface
public interface LinearWeights {
    NDArray apply(String name, NDArray x);
}
