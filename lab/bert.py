"""The BERT lecture's experiments (Devlin et al. 2018), on the code of `models/bert.py`.

- §3 "Total Parameters": the back-of-envelope count beside the module's own, for any size.
- §3.1 Task #1: the 15% / 80-10-10 masking rates, measured from `mask_tokens`.
- Attention: how much of each head's attention lands on [CLS] and [SEP] (Clark et al. 2019).
"""

import functools

import numpy as np
import torch

from models.bert import PRESETS, SPECIAL_TOKENS, BertConfig, count_params, mask_tokens


def params_formula(cfg: BertConfig) -> int:
    """The usual back-of-envelope count: V·H for the token embeddings + L·12H² for the layers
    (4H² attention + 8H² feed-forward); it leaves out positions, segments, biases, LayerNorms and
    the pooler."""
    return cfg.vocab_size * cfg.H + cfg.L * 12 * cfg.H**2


@functools.cache
def preset_params(preset: str) -> int:
    """`count_params` of a preset (built on the meta device once per process)."""
    return count_params(PRESETS[preset])


@functools.cache
def size_params(L: int, H: int, A: int) -> int:
    """`count_params` of a Table 6 size: 4H feed-forward, the preset's 30,522 pieces."""
    return count_params(BertConfig(L=L, H=H, A=A, d_ff=4 * H))


@functools.cache
def masking_rates(n_seq: int = 2000, T: int = 128, seed: int = 0) -> dict:
    """The 15 / 80 / 10 / 10 rates measured from `mask_tokens` on random sequences."""
    cfg = PRESETS["small"]
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(len(SPECIAL_TOKENS), cfg.vocab_size, (n_seq, T), generator=g)
    ids[:, 0], ids[:, -1] = cfg.cls_id, cfg.sep_id
    m = mask_tokens(ids, cfg, g)
    kinds = m.kind[m.chosen]
    return {
        "chosen": m.chosen.sum().item() / (n_seq * (T - 2)),
        "mask": (kinds == 1).float().mean().item(),
        "random": (kinds == 2).float().mean().item(),
        "kept": (kinds == 3).float().mean().item(),
        "n": int(m.chosen.sum()),
    }


def soak(tokens: list[str], maps: np.ndarray) -> np.ndarray:
    """(L, A, 2): the mean share of each head's attention that lands on [CLS] and on [SEP]."""
    cls = np.array([tk == "[CLS]" for tk in tokens])
    sep = np.array([tk == "[SEP]" for tk in tokens])
    return np.stack([maps[..., cls].sum(-1).mean(-1), maps[..., sep].sum(-1).mean(-1)], axis=-1)
