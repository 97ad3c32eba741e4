"""What every view of the BERT tab starts from: the weights asked for (model and tokenizer, the
embedded model when they do not load), the text that came in (checked, [mask] spellings
normalized) and its encoding "[CLS] A [SEP] (B [SEP])" (refused when the model cannot read it)."""

from __future__ import annotations

import functools
import re

import gradio as gr

from demos.checks import load_weights
from demos.i18n import text
from demos.lazy import lazy
from demos.strings import bert as strings  # noqa: F401 (registers the tab's strings)

B = lazy("models.bert")

WEIGHTS = ["bert_small.eltec", "bert_base.uncased", "bert_base.chinese"]
DEFAULT_WEIGHTS = "bert_small.eltec"  # the embedded model: what the tab falls back to
MAX_CHARS = 20_000  # longer text is refused before tokenizing
MASK_SPELLINGS = re.compile(r"\[\s*mask\s*\]|<mask>", re.IGNORECASE)


@functools.cache
def _tokenizer(folder: str, lowercase: bool):
    return B.load_tokenizer(folder, lowercase=lowercase)


def load(weights: str, lang: str):
    """(model, tokenizer, notice) for `weights`, falling back to the embedded model. The
    tokenizer lowercases as the checkpoint did (bert-base-chinese: not at all)."""
    loaded = load_weights(weights, WEIGHTS, DEFAULT_WEIGHTS, "bert_err_weights", lang)
    model = loaded.model
    return model, _tokenizer(str(loaded.folder), model.config.lowercase), loaded.notice


def clean(value, lang: str, key: str = "bert_err_empty", optional: bool = False) -> str:
    """Text from the UI or the API: a string, not blank, not absurdly long; [mask] spellings
    normalized to [MASK]."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise gr.Error(text("bert_err_type", lang))
    value = value.strip()
    if not value and not optional:
        raise gr.Error(text(key, lang))
    if len(value) > MAX_CHARS:
        raise gr.Error(text("bert_err_chars", lang).format(n=len(value), max=MAX_CHARS))
    return MASK_SPELLINGS.sub("[MASK]", value)


def encode(tok, model: B.Bert, a: str, b: str | None, lang: str):
    """Tokenize "[CLS] A [SEP] (B [SEP])" and refuse what the model cannot read."""
    enc = tok.encode(a, b) if b else tok.encode(a)
    limit = model.config.max_position
    if len(enc.ids) > limit:
        raise gr.Error(text("bert_err_long", lang).format(n=len(enc.ids), max=limit))
    real = [i for i in enc.ids if i not in (model.config.cls_id, model.config.sep_id)]
    if real and all(i == model.config.unk_id for i in real):
        raise gr.Error(text("bert_err_allunk", lang))
    return enc
