"""Predict, then reveal (#8): a question before a result; on a click, whether the guess was right, the
answer, and the result *measured* on the loaded model or the project's recorded data.

This module is the mechanism; each tab owns its question. A tab defines `QUESTION =
quiz.Question(...)` beside its callbacks and places it with one line, right after its claim:

    quiz.block(QUESTION, lang)

A `Question` names its strings (in the tab's string table) and a `measure(lang)` that returns a
`Reveal`: which choice the measurement makes right, and the measured numbers as markdown. No answer
is written down: `measure` derives it from the recorded curves, the model or the 1-D game each time
it is asked (deterministic, so the same page always gives the same answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from demos.i18n import register, t, text


@dataclass(frozen=True)
class Reveal:
    answer: str  # the value of the choice the measurement makes right
    result: str  # markdown: the measured numbers, in the page's language


@dataclass(frozen=True)
class Question:
    key: str  # the paper ("resnet"): element ids resnet-quiz, resnet-quiz-pick, resnet-quiz-result
    question: str  # string key of the question
    choices: tuple[tuple[str, str], ...]  # (string key of the label, value)
    measure: Callable[[str], Reveal]  # "en" / "zh" -> Reveal; gr.Error for a clear refusal


def reveal(q: Question, pick, lang: str = "en") -> str:
    """Markdown: right or not, the answer, and the measured result (a message when nothing fits)."""
    labels = {value: text(key, lang) for key, value in q.choices}
    if pick is None or (isinstance(pick, str) and not pick.strip()):
        return text("quiz_pick_first", lang)
    if not isinstance(pick, str) or pick not in labels:
        return text("quiz_bad_pick", lang).format(choices=" / ".join(labels.values()))
    try:
        r = q.measure(lang)
    except gr.Error as e:  # the data or the model is not there: say which, no trace
        return f"⚠ {e.message}"
    verdict = "quiz_right" if pick == r.answer else "quiz_wrong"
    head = text(verdict, lang).format(pick=labels[pick], answer=labels[r.answer])
    return f"{head}\n\n{r.result}"


def block(q: Question, lang: gr.Radio) -> gr.Markdown:
    """The compact "Predict, then reveal" group: the question as the radio's label, the choices, a
    Reveal button, and the result below (empty until the click; a new guess hides it again)."""
    with gr.Accordion(t("quiz_title"), open=True, elem_id=f"{q.key}-quiz"):
        with gr.Row():
            pick = gr.Radio(
                [(t(label), value) for label, value in q.choices],
                value=None,
                label=t(q.question),
                elem_id=f"{q.key}-quiz-pick",
                scale=5,
            )
            go = gr.Button(
                t("quiz_reveal"),
                variant="secondary",
                scale=0,
                min_width=140,
                elem_id=f"{q.key}-quiz-reveal",
            )
        result = gr.Markdown(elem_id=f"{q.key}-quiz-result")

    def on_reveal(pick, lang):
        return reveal(q, pick, lang)

    go.click(on_reveal, [pick, lang], result, api_visibility="private", show_progress_on=result)
    pick.input(None, None, result, js="() => ''", api_visibility="private")
    return result


# ---------------------------------------------------------------------------------------------
# Strings (English, Chinese)
# ---------------------------------------------------------------------------------------------

EN = {
    "quiz_title": "Predict, then reveal",
    "quiz_reveal": "Reveal",
    "quiz_pick_first": "Pick an answer first, then press **Reveal**.",
    "quiz_bad_pick": "That is not one of the answers; pick one of: {choices}.",
    "quiz_right": "✓ **Right**: {answer}.",
    "quiz_wrong": "✗ **Not this time**: you picked {pick}; the measurement says **{answer}**.",
}

ZH = {
    "quiz_title": "先预测，再揭晓",
    "quiz_reveal": "揭晓答案",
    "quiz_pick_first": "请先选一个答案，再按 **揭晓答案**。",
    "quiz_bad_pick": "这不是可选的答案；请从以下选择：{choices}。",
    "quiz_right": "✓ **答对了**：{answer}。",
    "quiz_wrong": "✗ **这次没猜中**：你选了 {pick}；测量结果是 **{answer}**。",
}
register(EN, ZH)
