"""The Transformer lecture's experiments (Vaswani et al. 2017), on the code of `models/transformer.py`.

- §3.5: the linear map that shifts the positional encoding by k, and how exactly it does so; the
  table against the paper's equation.
- §3.2.1 footnote 4: why the dot products are divided by sqrt(d_k) (softmax saturation).
- §5.4: the label-smoothed target.
- §3.4 / Table 3: parameters by part, for any configuration.
- Table 1 live: one self-attention layer against one recurrent layer, timed.
"""

import math
import time

import torch
from torch import Tensor, nn

from models.transformer import (
    MultiHeadAttention,
    Transformer,
    TransformerConfig,
    count_params,
    sinusoid_table,
)


def pe_shift_matrix(k: int, d_model: int) -> Tensor:
    """§3.5: "for any fixed offset k, PE_{pos+k} can be represented as a linear function of
    PE_pos". The matrix M_k (d_model, d_model) with PE[pos + k] = M_k PE[pos] for every pos: one
    2x2 rotation by k * w_i per (sin, cos) pair, since sin(a + b) = sin a cos b + cos a sin b
    and cos(a + b) = cos a cos b - sin a sin b. Interleaved layout (the paper's)."""
    w = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)  # (d/2,)
    M = torch.zeros(d_model, d_model, dtype=torch.float64)
    c, s = torch.cos(k * w), torch.sin(k * w)
    i = torch.arange(0, d_model, 2)
    M[i, i], M[i, i + 1], M[i + 1, i], M[i + 1, i + 1] = c, s, -s, c
    return M


def pe_shift_error(k: int, d_model: int, max_len: int) -> tuple[Tensor, float]:
    """M_k and max |PE[pos + k] - M_k PE[pos]| over every pos < max_len - k (float64 table)."""
    pe = sinusoid_table(max_len, d_model, dtype=torch.float64)  # (max_len, d_model)
    M = pe_shift_matrix(k, d_model)
    return M, float((pe[k:] - pe[:-k] @ M.T).abs().max())


def pe_formula_error(max_len: int, d_model: int) -> float:
    """max |table - the paper's equation| over the model's table, the equation in plain Python."""
    pe = sinusoid_table(max_len, d_model).tolist()
    worst = 0.0
    for pos in range(max_len):
        for i in range(d_model // 2):
            angle = pos / 10000 ** (2 * i / d_model)
            worst = max(
                worst,
                abs(pe[pos][2 * i] - math.sin(angle)),
                abs(pe[pos][2 * i + 1] - math.cos(angle)),
            )
    return worst


def softmax_saturation(
    d_ks: list[int], n_keys: int = 16, trials: int = 256, seed: int = 0
) -> dict[str, list[float]]:
    """Why divide by sqrt(d_k) (§3.2.1, footnote 4): with q, k ~ N(0, I) the dot product q.k has
    variance d_k, so for large d_k the softmax saturates and its gradient vanishes.

    For each d_k: `trials` random queries against `n_keys` random keys. Returns, with and
    without the 1/sqrt(d_k) scaling, the mean largest attention weight, the std of the logits,
    and the mean Frobenius norm of the softmax Jacobian diag(p) - p p^T (how much gradient
    reaches the logits).
    """
    g = torch.Generator().manual_seed(seed)
    out: dict[str, list[float]] = {
        k: []
        for k in ("max_p_scaled", "max_p_raw", "std_scaled", "std_raw", "grad_scaled", "grad_raw")
    }
    for d_k in d_ks:
        q = torch.randn(trials, 1, d_k, generator=g, dtype=torch.float64)
        k = torch.randn(trials, n_keys, d_k, generator=g, dtype=torch.float64)
        raw = (q @ k.transpose(1, 2))[:, 0]  # (trials, n_keys) dot products, variance d_k
        for name, scores in (("scaled", raw / math.sqrt(d_k)), ("raw", raw)):
            p = scores.softmax(-1)  # (trials, n_keys)
            jac = torch.diag_embed(p) - p[:, :, None] * p[:, None, :]  # d p / d scores
            out[f"max_p_{name}"].append(float(p.max(-1).values.mean()))
            out[f"std_{name}"].append(float(scores.std()))
            out[f"grad_{name}"].append(float(jac.flatten(1).norm(dim=1).mean()))
    return out


def smoothed_target(vocab_size: int, epsilon: float, target: int) -> Tensor:
    """§5.4 label smoothing as `label_smoothed_loss` (and torch) define it: the training target
    is (1 - eps) on the true token plus eps spread uniformly over all `vocab_size` tokens."""
    q = torch.full((vocab_size,), epsilon / vocab_size, dtype=torch.float64)
    q[target] += 1 - epsilon
    return q


def param_breakdown(cfg: TransformerConfig) -> dict[str, int]:
    """Parameters of a configuration by part, counted from the module built on the meta device
    (shapes only: instant for any size). The tied embedding matrix counts once (§3.4)."""
    with torch.device("meta"):
        model = Transformer(cfg)
    parts = {
        "embedding": model.embedding.weight.numel(),
        "encoder": sum(p.numel() for p in model.encoder.parameters()),
        "decoder": sum(p.numel() for p in model.decoder.parameters()),
    }
    parts["other"] = count_params(model) - sum(parts.values())  # final norms, logits bias
    parts["total"] = count_params(model)
    return parts


@torch.no_grad()
def time_layers(ns: list[int], d_model: int = 256, repeats: int = 3) -> dict[str, list[float]]:
    """Table 1 live: milliseconds for one self-attention layer (all n positions at once, O(n^2 d)
    work, O(1) sequential steps) vs one recurrent layer (torch's tanh RNN, O(n d^2) work, n
    sequential steps) on a (1, n, d_model) input; the best of `repeats` runs for each n."""
    torch.manual_seed(0)
    attn = MultiHeadAttention(d_model, max(1, d_model // 64)).eval()
    rnn = nn.RNN(d_model, d_model, batch_first=True).eval()
    out: dict[str, list[float]] = {"self_attention": [], "recurrent": []}
    for n in ns:
        x = torch.randn(1, n, d_model)
        for name, run in (("self_attention", lambda: attn(x, x)), ("recurrent", lambda: rnn(x))):
            best = float("inf")
            for _ in range(repeats):
                t0 = time.perf_counter()
                run()
                best = min(best, time.perf_counter() - t0)
            out[name].append(best * 1000)
    return out
