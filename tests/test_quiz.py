"""Predict, then reveal (demos/quiz.py): each question's answer and numbers come from a measurement."""

from __future__ import annotations

import functools

import gradio as gr
import numpy as np
import pytest
import torch

from demos import bert, gan, quiz, resnet, transformer
from demos.i18n import EN, ZH

torch.set_num_threads(1)  # a busy two-core machine: one thread is faster than fighting

LANGS = ("en", "zh")
VERDICT = {"en": ("✓ **Right**", "✗ **Not this time**"), "zh": ("✓ **答对了**", "✗ **这次没猜中**")}
QUESTIONS = {
    tab.QUESTION.key: tab.QUESTION for tab in (resnet, transformer, gan, bert)
}  # each tab owns its question


@functools.cache
def measured(key: str, lang: str) -> quiz.Reveal:
    return QUESTIONS[key].measure(lang)


def expected_numbers(key: str) -> list[str]:
    """The numbers each result must quote, computed here from the same sources, not from the quiz."""
    if key == "resnet":
        runs = resnet._read_json(resnet.CURVES)["runs"]
        return [
            f"{runs[n]['train_error'][-1]:.1f}%"
            for n in ("plain20", "plain56", "resnet20", "resnet56")
        ]
    if key == "transformer":
        from lab import transformer as TL

        s = TL.softmax_saturation([2**i for i in range(11)], n_keys=16)
        return [f"{s['max_p_raw'][-1]:.3f}", f"{s['max_p_scaled'][-1]:.3f}"]
    if key == "gan":
        s = gan.default_1d_final()
        return [f"{s.d_star_data:.3f}", f"{s.d_data:.3f}", f"{s.d_fake:.3f}", f"{s.c_g:.3f}"]
    _, _, preds = bert.fill_mask(
        bert.MASK_SENTENCE, 5, bert.DEFAULT_WEIGHTS, "en"
    )  # the tab's callback
    return [f"**{c['token']}** {100 * c['prob']:.1f}%" for c in preds[0]["candidates"]]


@pytest.mark.parametrize("key", list(QUESTIONS))
@pytest.mark.parametrize("lang", LANGS)
def test_reveal_says_right_or_wrong_and_quotes_the_measurement(key, lang):
    q = QUESTIONS[key]
    r = measured(key, lang)
    values = [v for _, v in q.choices]
    assert r.answer in values
    right, wrong = VERDICT[lang]
    md = quiz.reveal(q, r.answer, lang)
    assert md.startswith(right)
    for number in expected_numbers(key):
        assert number in md, (number, md)
    other = next(v for v in values if v != r.answer)
    md = quiz.reveal(q, other, lang)
    assert md.startswith(wrong) and r.result in md
    labels = dict((v, k) for k, v in q.choices)
    table = ZH if lang == "zh" else EN
    assert (
        table[labels[other]] in md and table[labels[r.answer]] in md
    )  # both named, in the page's language
    if lang == "zh":
        assert "measured" not in md and "training error" not in md


def test_the_measured_answers_today():
    """What the shipped data and models say (this documents them; the quiz itself computes them)."""
    assert measured("resnet", "en").answer == "plain56"  # degradation in the recorded run
    assert measured("transformer", "en").answer == "saturates"
    assert measured("gan", "en").answer == "0.5"
    assert measured("bert", "en").answer == "door"  # the shipped model reads the context


# --- the answer follows the data ---------------------------------------------------------------


def test_resnet_answer_follows_the_recorded_curves(monkeypatch, tmp_path):
    import json

    def run(train, test):
        return {"train_error": [90.0, train], "test_error": [90.0, test]}

    fake = tmp_path / "curves.json"
    fake.write_text(
        json.dumps(
            {
                "runs": {
                    "plain20": run(60.0, 61.0),
                    "plain56": run(40.0, 42.0),
                    "resnet20": run(38.0, 40.0),
                    "resnet56": run(35.0, 37.0),
                }
            }
        )
    )
    monkeypatch.setattr(resnet, "CURVES", fake)
    md = quiz.reveal(resnet.QUESTION, "plain20", "en")
    assert md.startswith("✓") and "plain-56 **40.0%**" in md and "does not show" in md
    assert quiz.reveal(resnet.QUESTION, "same", "en").startswith("✗")
    fake.write_text(json.dumps({"runs": {"plain20": run(50.0, 51.0), "plain56": run(50.6, 52.0)}}))
    resnet._read_json.cache_clear()
    try:
        assert quiz.reveal(resnet.QUESTION, "same", "en").startswith("✓")  # within 1 point
    finally:
        resnet._read_json.cache_clear()


def test_gan_answer_follows_the_measured_d_star(monkeypatch):
    from lab import gan as L

    x = np.linspace(-4, 4, 401)
    p_data = np.exp(-0.5 * ((x - 1) / 0.5) ** 2)
    far = dict(
        x=x,
        p_data=p_data,
        d_star=np.full_like(x, 0.97),
        d_star_data=0.97,
        d_data=0.9,
        d_fake=0.1,
        c_g=-0.2,
        step=10,
    )
    state = L.Game1DState(**{f: far.get(f) for f in L.Game1DState._fields})
    monkeypatch.setattr(gan, "default_1d_final", lambda: state)
    md = quiz.reveal(gan.QUESTION, "1", "en")
    assert md.startswith("✓") and "**0.970**" in md and "for 0% of the data" in md


def test_transformer_answer_follows_the_measurement(monkeypatch):
    flat = {
        k: [0.3] * len(transformer.D_KS)
        for k in ("max_p_raw", "max_p_scaled", "std_raw", "grad_raw", "grad_scaled")
    }
    monkeypatch.setattr(transformer, "_saturation", lambda: flat)
    assert transformer.measure_saturation("en").answer == "spread"
    flat["max_p_raw"] = [1 / 16] * len(transformer.D_KS)
    assert transformer.measure_saturation("en").answer == "uniform"


# --- what a user can get wrong -----------------------------------------------------------------


@pytest.mark.parametrize("pick", [None, "", "   "])
def test_no_pick_asks_for_one(pick):
    assert quiz.reveal(gan.QUESTION, pick, "en") == "Pick an answer first, then press **Reveal**."
    assert quiz.reveal(gan.QUESTION, pick, "zh") == "请先选一个答案，再按 **揭晓答案**。"


@pytest.mark.parametrize("pick", ["nope", "0.50", 0.5, ["0.5"], "../../etc/passwd"])
def test_a_pick_that_is_not_a_choice_is_named(pick):
    md = quiz.reveal(gan.QUESTION, pick, "en")
    assert (
        md
        == "That is not one of the answers; pick one of: 0 (everything is fake) / 1/2 (cannot tell) / 1 (everything is real)."
    )
    assert quiz.reveal(resnet.QUESTION, pick, "zh").startswith("这不是可选的答案")


def test_missing_data_is_a_message_not_a_trace(monkeypatch, tmp_path):
    monkeypatch.setattr(resnet, "CURVES", tmp_path / "nowhere.json")
    md = quiz.reveal(resnet.QUESTION, "plain56", "en")
    assert md.startswith("⚠") and "weights/resnet_curves/curves.json" in md
    assert "此副本中没有记录的训练曲线" in quiz.reveal(resnet.QUESTION, "plain56", "zh")


# --- strings and the block ---------------------------------------------------------------------


def test_every_quiz_string_in_both_languages():
    keys = [k for k in EN if k.startswith("quiz_")]
    assert keys and all(k in ZH and ZH[k].strip() for k in keys)
    for q in QUESTIONS.values():
        for k in (q.question, *(label for label, _ in q.choices)):
            assert k in EN and k in ZH


def test_each_tab_places_one_private_question_after_its_claim():
    for module, key in (
        (resnet, "resnet"),
        (transformer, "transformer"),
        (gan, "gan"),
        (bert, "bert"),
    ):
        with gr.Blocks() as demo:
            switch = gr.Radio([("English", "en"), ("中文", "zh")])
            with gr.Tabs():
                with gr.Tab("x", id=key) as tab:
                    module.build_tab(switch, tab)
        config = demo.get_config_file()
        comps = {c["id"]: c for c in config["components"]}
        order = [c for c in config["components"] if c["type"] in ("markdown", "radio", "button")]
        ids = [c["props"].get("elem_id") for c in order]
        pick = ids.index(f"{key}-quiz-pick")
        first_md = next(i for i, c in enumerate(order) if c["type"] == "markdown")
        assert first_md < pick and "claim" in str(order[first_md]["props"]["value"])
        radio = order[pick]["props"]
        assert "quiz_" in str(radio["label"]) and all(
            "quiz_" in str(label) for label, _ in radio["choices"]
        )
        quiz_ids = {
            i
            for i, c in comps.items()
            if str(c["props"].get("elem_id", "")).startswith(f"{key}-quiz")
        }
        deps = [d for d in config["dependencies"] if {t[0] for t in d["targets"]} & quiz_ids]
        assert len(deps) == 2 and all(d["api_visibility"] == "private" for d in deps)
