"""Predict, then reveal (#8): a question before a result; on a click, whether the guess was right, the
answer, and the result *measured* on the loaded model or the project's recorded data.

A tab places its question with one line, right after its claim:

    quiz.block(quiz.RESNET, lang)          # from demos import quiz

A `Question` names its strings (registered below, English and Chinese) and a `measure(lang)` that
returns a `Reveal`: which choice the measurement makes right, and the measured numbers as markdown.
No answer is written down here: `measure` derives it from the recorded curves, the model or the
1-D game each time it is asked (deterministic, so the same page always gives the same answer).
"""

from __future__ import annotations

import functools
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


def _lang(choice: str | None) -> str:
    return "zh" if choice == "中文" else "en"


def reveal(q: Question, pick, lang_choice: str = "English") -> str:
    """Markdown: right or not, the answer, and the measured result (a message when nothing fits)."""
    lang = _lang(lang_choice)
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
            pick = gr.Radio([(t(label), value) for label, value in q.choices], value=None,
                            label=t(q.question), elem_id=f"{q.key}-quiz-pick", scale=5)  # fmt: skip
            go = gr.Button(t("quiz_reveal"), variant="secondary", scale=0, min_width=140,
                           elem_id=f"{q.key}-quiz-reveal")  # fmt: skip
        result = gr.Markdown(elem_id=f"{q.key}-quiz-result")

    def on_reveal(pick, lang_choice):
        return reveal(q, pick, lang_choice)

    go.click(on_reveal, [pick, lang], result, api_visibility="private", show_progress_on=result)
    pick.input(None, None, result, js="() => ''", api_visibility="private")
    return result


# ---------------------------------------------------------------------------------------------
# The four questions: each measures its answer
# ---------------------------------------------------------------------------------------------

TIE = 1.0  # points of training error under which two nets count as "about the same"


def measure_degradation(lang: str) -> Reveal:
    """ResNet: the final training errors of plain-20 and plain-56 in the recorded Fig. 6 run."""
    from demos import resnet

    if not resnet.CURVES.exists():
        raise gr.Error(text("rn_curves_missing", lang))
    runs = resnet._read_json(resnet.CURVES)["runs"]  # the file the Degradation sub-tab plots
    train = {n: runs[n]["train_error"][-1] for n in ("plain20", "plain56", "resnet20", "resnet56") if n in runs}
    test = {n: runs[n]["test_error"][-1] for n in train}
    if "plain20" not in train or "plain56" not in train:
        raise gr.Error(text("rn_curves_missing", lang))
    gap = train["plain56"] - train["plain20"]
    answer = "plain56" if gap > TIE else "plain20" if gap < -TIE else "same"
    md = text("quiz_rn_result", lang).format(
        p20=train["plain20"], p56=train["plain56"], t20=test["plain20"], t56=test["plain56"],
        r20=train.get("resnet20", float("nan")), r56=train.get("resnet56", float("nan")),
    )  # fmt: skip
    why = "quiz_rn_why_degradation" if answer == "plain56" else "quiz_rn_why_none"
    return Reveal(answer, f"{md}\n\n{text(why, lang)}")


N_KEYS = 16  # the "Why √d_k" sub-tab's default: the same draws, so the same numbers as its figure
D_KS = [2**i for i in range(11)]  # 1 .. 1024, as that sub-tab computes them


@functools.cache
def _saturation() -> dict[str, list[float]]:
    from lab import transformer as TL

    return TL.softmax_saturation(D_KS, n_keys=N_KEYS)


def measure_saturation(lang: str) -> Reveal:
    """Transformer: the mean largest attention weight over 16 random keys at d_k = 1024, unscaled."""
    s = _saturation()
    p_raw, p_scaled = s["max_p_raw"][-1], s["max_p_scaled"][-1]
    # one key takes most of the weight / all keys about equal / neither
    answer = "saturates" if p_raw > 0.5 else "uniform" if p_raw < 2 / N_KEYS else "spread"
    md = text("quiz_tf_result", lang).format(
        n=N_KEYS, d=D_KS[-1], p_raw=p_raw, p_scaled=p_scaled, uni=1 / N_KEYS, sd=s["std_raw"][-1],
        g_raw=s["grad_raw"][-1], g_scaled=s["grad_scaled"][-1],
    )  # fmt: skip
    return Reveal(answer, md)


D_CHOICES = ("0", "0.5", "1")


def measure_optimum(lang: str) -> Reveal:
    """GAN: D* = p_data / (p_data + p_g) measured on the 1-D game of Fig. 1 at its default settings."""
    from demos import gan

    s = gan.default_1d_final()  # ~10 s the first time in a process (the GAN tab starts it on open)
    answer = min(D_CHOICES, key=lambda v: abs(float(v) - s.d_star_data))
    w = s.p_data / s.p_data.sum()  # the data's share of each point of the (uniform) grid
    near = float(w[abs(s.d_star - 0.5) <= 0.1].sum())  # share of the data where D* is within 0.1 of 1/2
    md = text("quiz_gan_result", lang).format(
        steps=s.step, dstar=s.d_star_data, near=100 * near, d_data=s.d_data, d_fake=s.d_fake, c=s.c_g,
    )  # fmt: skip
    return Reveal(answer, md)


MASK_SENTENCE = "She opened the [MASK] and walked into the room."
WORDS = ("door", "window", "the", ",")  # two the sentence invites, two the small model rates high


def measure_fill(lang: str) -> Reveal:
    """BERT: the embedded model's probability of each choice in the [MASK], and its own top-5."""
    import torch

    from demos import bert
    from models import bert as B
    from models import hub

    model, tok, _ = bert.load(bert.DEFAULT_WEIGHTS, lang)  # the embedded model (or a clear gr.Error)
    with torch.inference_mode():
        fm = B.fill_mask(model, tok, MASK_SENTENCE, top_k=model.config.vocab_size)  # every piece, ranked
    p = fm.predictions[0]
    prob = dict(zip(p.tokens, p.probs))
    rank = {w: i + 1 for i, w in enumerate(p.tokens)}
    answer = max(WORDS, key=lambda w: prob.get(w, 0.0))
    _, _, shown = bert.fill_mask(MASK_SENTENCE, 5, bert.DEFAULT_WEIGHTS, "中文" if lang == "zh" else "English")
    top5 = " · ".join(f"**{c['token']}** {100 * c['prob']:.1f}%" for c in shown[0]["candidates"])  # as the tab shows
    yours = " · ".join(f"{w} #{rank.get(w, '–')} ({100 * prob.get(w, 0.0):.2f}%)" for w in WORDS)
    why = "quiz_bert_why_context" if answer in ("door", "window") else "quiz_bert_why_frequency"
    meta = getattr(hub.read_catalogue().get(bert.DEFAULT_WEIGHTS), "meta", {})  # measured by training/bert.py
    minutes, acc = meta.get("train_minutes"), meta.get("heldout_mlm_acc")
    why_md = text(why, lang).format(minutes="?" if minutes is None else f"{minutes:.0f}",
                                    acc="?" if acc is None else f"{100 * acc:.1f}")  # fmt: skip
    md = text("quiz_bert_result", lang).format(name=bert.DEFAULT_WEIGHTS, sentence=MASK_SENTENCE, top5=top5,
                                               yours=yours)  # fmt: skip
    return Reveal(answer, f"{md}\n\n{why_md}")


RESNET = Question("resnet", "quiz_rn_q", (("quiz_rn_c20", "plain20"), ("quiz_rn_c56", "plain56"),
                                          ("quiz_rn_csame", "same")), measure_degradation)  # fmt: skip
TRANSFORMER = Question("transformer", "quiz_tf_q", (("quiz_tf_spread", "spread"), ("quiz_tf_one", "saturates"),
                                                    ("quiz_tf_uniform", "uniform")), measure_saturation)  # fmt: skip
GAN = Question("gan", "quiz_gan_q", (("quiz_gan_0", "0"), ("quiz_gan_half", "0.5"), ("quiz_gan_1", "1")),
               measure_optimum)  # fmt: skip
BERT = Question("bert", "quiz_bert_q", (("quiz_bert_door", "door"), ("quiz_bert_window", "window"),
                                        ("quiz_bert_the", "the"), ("quiz_bert_comma", ",")), measure_fill)  # fmt: skip
QUESTIONS = {q.key: q for q in (RESNET, TRANSFORMER, GAN, BERT)}


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
    "quiz_rn_q": "After training, which has the higher training error: plain-20 or plain-56?",
    "quiz_rn_c20": "plain-20",
    "quiz_rn_c56": "plain-56",
    "quiz_rn_csame": "about the same",
    "quiz_rn_result": (
        "Our recorded run (reduced budget; curves in *Degradation (Fig. 6)*), final training error: "
        "plain-20 **{p20:.1f}%**, plain-56 **{p56:.1f}%** (test error {t20:.1f}% and {t56:.1f}%). "
        "With identity shortcuts: ResNet-20 {r20:.1f}%, ResNet-56 {r56:.1f}%."
    ),
    "quiz_rn_why_degradation": (
        "The deeper plain net is worse on the very images it is trained on: not overfitting but an "
        "optimization difficulty, the *degradation* the paper's Fig. 6 shows. ResNets remove it."
    ),
    "quiz_rn_why_none": "This recorded run does not show the paper's degradation (see the curves).",
    "quiz_tf_q": (
        "Without the 1/√d_k scale, what happens to softmax attention over 16 random keys as d_k "
        "grows to 1024?"
    ),
    "quiz_tf_spread": "it stays spread over the keys",
    "quiz_tf_one": "it saturates onto one key",
    "quiz_tf_uniform": "it becomes uniform",
    "quiz_tf_result": (
        "Measured on 256 random queries against {n} random keys (q, k ~ N(0, I); as in *Why √d_k*): "
        "at d_k = {d} the mean largest weight of softmax(q·k) is **{p_raw:.3f}**, of "
        "softmax(q·k/√d_k) {p_scaled:.3f} (uniform: {uni:.3f}). The raw scores' std is {sd:.1f}, so "
        "one key wins almost everything and the gradient reaching the scores shrinks to "
        "{g_raw:.3f} (scaled: {g_scaled:.3f}): this is why §3.2.1 divides by √d_k."
    ),
    "quiz_gan_q": "At the game's optimum (p_g = p_data), what does the best discriminator D* output for any x?",
    "quiz_gan_0": "0 (everything is fake)",
    "quiz_gan_half": "1/2 (cannot tell)",
    "quiz_gan_1": "1 (everything is real)",
    "quiz_gan_result": (
        "Prop. 1: D*(x) = p_data(x) / (p_data(x) + p_g(x)); when p_g = p_data that is 1/2 for every x. "
        "Measured on the 1-D game of Fig. 1 (default settings, {steps} steps): D* averaged over the data "
        "**{dstar:.3f}**, within 0.1 of 1/2 for {near:.0f}% of the data (where p_g still puts little "
        "mass, D* rises toward 1); the trained D gives {d_data:.3f} on real and {d_fake:.3f} on "
        "generated samples; C(G) = {c:.3f} (−log 4 = −1.386)."
    ),
    "quiz_bert_q": "What does BERT put in: “She opened the [MASK] and walked into the room.”?",
    "quiz_bert_door": "door",
    "quiz_bert_window": "window",
    "quiz_bert_the": "the",
    "quiz_bert_comma": "“,” (a comma)",
    "quiz_bert_result": (
        "The model shipped with the app (**{name}**), its top-5 for the [MASK] in “{sentence}”: {top5}. "
        "The four answers, rank among all pieces (probability): {yours}."
    ),
    "quiz_bert_why_frequency": (
        "This small BERT (pre-trained for only {minutes} minutes on a CPU; it gets {acc}% of held-out "
        "masks right) rates the most frequent pieces highest almost whatever the context; the words the "
        "sentence invites come far below. *Paper check* compares it with the paper."
    ),
    "quiz_bert_why_context": "The model follows the context: the word the sentence invites comes first.",
}

ZH = {
    "quiz_title": "先预测，再揭晓",
    "quiz_reveal": "揭晓答案",
    "quiz_pick_first": "请先选一个答案，再按 **揭晓答案**。",
    "quiz_bad_pick": "这不是可选的答案；请从以下选择：{choices}。",
    "quiz_right": "✓ **答对了**：{answer}。",
    "quiz_wrong": "✗ **这次没猜中**：你选了 {pick}；测量结果是 **{answer}**。",
    "quiz_rn_q": "训练之后，plain-20 和 plain-56 哪个的训练误差更高？",
    "quiz_rn_c20": "plain-20",
    "quiz_rn_c56": "plain-56",
    "quiz_rn_csame": "差不多",
    "quiz_rn_result": (
        "我们记录的训练（缩减的预算；曲线见 *退化问题（图 6）*），最终训练误差：plain-20 **{p20:.1f}%**，"
        "plain-56 **{p56:.1f}%**（测试误差 {t20:.1f}% 和 {t56:.1f}%）。有恒等捷径时：ResNet-20 {r20:.1f}%，"
        "ResNet-56 {r56:.1f}%。"
    ),
    "quiz_rn_why_degradation": (
        "更深的普通网络在它自己的训练图像上反而更差：这不是过拟合，而是优化困难，也就是论文图 6 所示的*退化*问题。"
        "ResNet 消除了它。"
    ),
    "quiz_rn_why_none": "这次记录的训练没有出现论文所说的退化（见曲线）。",
    "quiz_tf_q": "如果不除以 √d_k，当 d_k 增大到 1024 时，对 16 个随机键的 softmax 注意力会怎样？",
    "quiz_tf_spread": "仍然分散在各个键上",
    "quiz_tf_one": "饱和：几乎全部集中到一个键上",
    "quiz_tf_uniform": "变得均匀",
    "quiz_tf_result": (
        "用 256 个随机查询对 {n} 个随机键测得（q, k ~ N(0, I)；与 *为什么除以 √d_k* 相同）：d_k = {d} 时，"
        "softmax(q·k) 的平均最大权重为 **{p_raw:.3f}**，softmax(q·k/√d_k) 为 {p_scaled:.3f}（均匀分布：{uni:.3f}）。"
        "未缩放分数的标准差为 {sd:.1f}，所以一个键几乎拿走全部权重，传到分数上的梯度缩小到 {g_raw:.3f}"
        "（缩放后：{g_scaled:.3f}）：这就是 §3.2.1 除以 √d_k 的原因。"
    ),
    "quiz_gan_q": "在博弈的最优点（p_g = p_data），最优判别器 D* 对任意 x 输出什么？",
    "quiz_gan_0": "0（全是假的）",
    "quiz_gan_half": "1/2（无法分辨）",
    "quiz_gan_1": "1（全是真的）",
    "quiz_gan_result": (
        "命题 1：D*(x) = p_data(x) / (p_data(x) + p_g(x))；当 p_g = p_data 时，对每个 x 都等于 1/2。"
        "在图 1 的一维博弈上测得（默认设置，{steps} 步）：D* 在数据上的平均为 **{dstar:.3f}**，"
        "在 {near:.0f}% 的数据上与 1/2 相差不超过 0.1（p_g 质量仍然很少的地方，D* 趋近于 1）；"
        "训练出的 D 对真实样本给出 {d_data:.3f}，对生成样本给出 {d_fake:.3f}；C(G) = {c:.3f}（−log 4 = −1.386）。"
    ),
    "quiz_bert_q": "BERT 会在这里填什么：“She opened the [MASK] and walked into the room.”？",
    "quiz_bert_door": "door（门）",
    "quiz_bert_window": "window（窗）",
    "quiz_bert_the": "the（冠词）",
    "quiz_bert_comma": "“,”（逗号）",
    "quiz_bert_result": (
        "应用自带的模型（**{name}**）对 “{sentence}” 中 [MASK] 的前 5 名：{top5}。四个选项在所有词片中的名次（概率）：{yours}。"
    ),
    "quiz_bert_why_frequency": (
        "这个小 BERT（只在 CPU 上预训练了 {minutes} 分钟；留出集上的掩码猜对 {acc}%）几乎不管上下文，"
        "都把最常见的词片排在最前；句子本身暗示的词排得很靠后。*论文核对* 把它与论文作了比较。"
    ),
    "quiz_bert_why_context": "模型跟随了上下文：句子暗示的词排在第一。",
}
register(EN, ZH)
