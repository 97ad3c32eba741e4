"""The classroom's questions (issue #18): each paper tab's own quiz question (demos/quiz.py) and one
more per tab, tied to one of the tab's paper-figure presets, so that the lecturer can open the figure
right after the reveal. Each is a `quiz.Question`: its answer is measured (lab/classroom.py) on the
loaded model or the project's recorded data when it is revealed, never written down.

`ORDER` is the lecture order (the tabs' order, each tab's quiz question first). `why(key, reveal,
lang)` gives the one line a student's phone shows after the reveal.
"""

from __future__ import annotations

import functools

import gradio as gr

from demos import quiz
from demos.i18n import register, text

TIE_POINTS = 1.0  # points of training error under which two nets count as "about the same"
TIE_CONF = 0.03  # difference of mean classifier confidence under which two morphs count as "the same"


# ---------------------------------------------------------------------------------------------
# ResNet, Fig. 6 (right): with shortcuts, does depth still hurt?
# ---------------------------------------------------------------------------------------------


def _curves():
    from models import hub

    return hub.WEIGHTS_DIR / "resnet_curves" / "curves.json"  # what the Degradation sub-tab plots


@functools.cache
def _resnet_errors() -> dict[str, tuple[float, float]]:
    from lab import classroom as L

    return L.final_errors(_curves())


def measure_resnet_depth(lang: str) -> quiz.Reveal:
    """ResNet-20 vs ResNet-56 (identity shortcuts), final training error of the recorded Fig. 6 run."""
    if not _curves().exists():
        raise gr.Error(text("rn_curves_missing", lang))
    err = _resnet_errors()
    if "resnet20" not in err or "resnet56" not in err:
        raise gr.Error(text("rn_curves_missing", lang))
    gap = err["resnet56"][0] - err["resnet20"][0]
    answer = "resnet56" if gap > TIE_POINTS else "resnet20" if gap < -TIE_POINTS else "same"
    md = text("cls_rn_result", lang).format(r20=err["resnet20"][0], r56=err["resnet56"][0], t20=err["resnet20"][1],
                                            t56=err["resnet56"][1], p20=err.get("plain20", (float("nan"),))[0],
                                            p56=err.get("plain56", (float("nan"),))[0])  # fmt: skip
    return quiz.Reveal(answer, md)


def why_resnet_depth(answer: str, lang: str) -> str:
    err = _resnet_errors()
    key = "cls_rn_why_deeper" if answer == "resnet20" else "cls_rn_why_other"
    return text(key, lang).format(r20=err["resnet20"][0], r56=err["resnet56"][0])


# ---------------------------------------------------------------------------------------------
# Transformer, §3.5 (the "pe" preset): is a fixed offset a fixed linear map?
# ---------------------------------------------------------------------------------------------

PE_K, PE_D, PE_MAX = 5, 128, 100  # the preset's values
PE_EXACT = 1e-9  # float64 rounding
PE_CLOSE = 1e-2


def measure_pe(lang: str) -> quiz.Reveal:
    from lab import classroom as L

    err = L.pe_shift(PE_K, PE_D, PE_MAX)
    answer = "exact" if err < PE_EXACT else "approx" if err < PE_CLOSE else "depends"
    return quiz.Reveal(answer, text("cls_tf_result", lang).format(k=PE_K, d=PE_D, n=PE_MAX - PE_K, err=err))


def why_pe(answer: str, lang: str) -> str:
    from lab import classroom as L

    return text("cls_tf_why" if answer == "exact" else "cls_tf_why_not", lang).format(
        k=PE_K, err=L.pe_shift(PE_K, PE_D, PE_MAX))  # fmt: skip


# ---------------------------------------------------------------------------------------------
# GAN, Fig. 3 (the "fig3" preset): lerp or slerp, which morph stays sharp?
# ---------------------------------------------------------------------------------------------

GAN_WEIGHTS, CLASSIFIER = "dcgan.mnist", "mnist_classifier.mnist"
SEED_PAIRS = [(11, 21)] + [(100 + 2 * i, 101 + 2 * i) for i in range(31)]  # Fig. 3's default pair, then 31 more
GAN_STEPS = 16


@functools.cache
def _sharpness():
    from lab import classroom as L
    from models import hub

    try:
        g = hub.get(GAN_WEIGHTS).model
        c = hub.get(CLASSIFIER).model
    except hub.WeightsError as e:
        raise gr.Error(str(e)) from None
    return L.path_sharpness(g, c, SEED_PAIRS, GAN_STEPS)


def measure_paths(lang: str) -> quiz.Reveal:
    s = _sharpness()
    gap = s.conf["slerp"] - s.conf["lerp"]
    answer = "slerp" if gap > TIE_CONF else "lerp" if gap < -TIE_CONF else "same"
    md = text("cls_gan_result", lang).format(
        pairs=s.pairs, steps=s.steps, lerp=100 * s.conf["lerp"], slerp=100 * s.conf["slerp"], ends=100 * s.ends,
        n_lerp=s.norm["lerp"], n_slerp=s.norm["slerp"], name=GAN_WEIGHTS)  # fmt: skip
    return quiz.Reveal(answer, md)


def why_paths(answer: str, lang: str) -> str:
    s = _sharpness()
    key = "cls_gan_why" if answer == "slerp" else "cls_gan_why_not"
    return text(key, lang).format(lerp=100 * s.conf["lerp"], slerp=100 * s.conf["slerp"], n_lerp=s.norm["lerp"],
                                  n_slerp=s.norm["slerp"])  # fmt: skip


# ---------------------------------------------------------------------------------------------
# BERT, Fig. 1 / §3.1 (the "fig1_mlm" preset): does a chosen token ever stay unchanged?
# ---------------------------------------------------------------------------------------------

MASK_ROWS = 2000  # sequences masked (each row its own random draw): ~5,000 chosen tokens
MASK_SENTENCES = [
    "The old man walked slowly down the long road towards the village church.",  # the preset's sentence
    "She opened the door and walked into the room.",
    "The children were playing in the garden when the rain began to fall.",
    "He wrote a long letter to his brother, who lived far away in the city.",
]


@functools.cache
def _masking():
    import torch

    from demos import bert
    from lab import classroom as L
    from models import bert as B
    from models import hub

    try:
        loaded = hub.get(bert.DEFAULT_WEIGHTS)
    except hub.WeightsError as e:
        raise gr.Error(str(e)) from None
    cfg = loaded.model.config
    tok = B.load_tokenizer(loaded.folder)
    rows = [tok.encode(s).ids for s in MASK_SENTENCES]
    width = max(len(r) for r in rows)
    ids = torch.full((MASK_ROWS, width), cfg.pad_id, dtype=torch.long)
    for i in range(MASK_ROWS):
        r = rows[i % len(rows)]
        ids[i, : len(r)] = torch.tensor(r)
    return bert.DEFAULT_WEIGHTS, L.masking_shares(cfg, ids, seed=0)


def measure_masking(lang: str) -> quiz.Reveal:
    name, s = _masking()
    answer = min((("never", 0.0), ("tenth", 0.1), ("half", 0.5)), key=lambda c: abs(c[1] - s.unchanged))[0]
    md = text("cls_bert_result", lang).format(name=name, rows=MASK_ROWS, tokens=s.tokens, chosen=s.chosen,
                                              share=100 * s.chosen / s.tokens, masked=100 * s.masked,
                                              random=100 * s.random, same=100 * s.unchanged)  # fmt: skip
    return quiz.Reveal(answer, md)


def why_masking(answer: str, lang: str) -> str:
    _, s = _masking()
    key = "cls_bert_why" if answer == "tenth" else "cls_bert_why_other"
    return text(key, lang).format(same=100 * s.unchanged, masked=100 * s.masked, random=100 * s.random)


# ---------------------------------------------------------------------------------------------
# The questions, in lecture order
# ---------------------------------------------------------------------------------------------

RESNET_DEPTH = quiz.Question("resnet_fig6", "cls_rn_q", (("cls_rn_c20", "resnet20"), ("cls_rn_c56", "resnet56"),
                                                         ("cls_rn_csame", "same")), measure_resnet_depth)  # fmt: skip
TRANSFORMER_PE = quiz.Question("transformer_pe", "cls_tf_q", (("cls_tf_exact", "exact"), ("cls_tf_approx", "approx"),
                                                              ("cls_tf_depends", "depends")), measure_pe)  # fmt: skip
GAN_PATHS = quiz.Question("gan_fig3", "cls_gan_q", (("cls_gan_lerp", "lerp"), ("cls_gan_slerp", "slerp"),
                                                    ("cls_gan_same", "same")), measure_paths)  # fmt: skip
BERT_MASKING = quiz.Question("bert_fig1", "cls_bert_q", (("cls_bert_never", "never"), ("cls_bert_tenth", "tenth"),
                                                         ("cls_bert_half", "half")), measure_masking)  # fmt: skip

# Which tab and preset each question belongs to (the presenter's link to the figure after a reveal)
FIGURE = {"resnet_fig6": ("resnet", "fig6"), "transformer_pe": ("transformer", "pe"),
          "gan_fig3": ("gan", "fig3"), "bert_fig1": ("bert", "fig1_mlm"),
          "resnet": ("resnet", "fig6"), "transformer": ("transformer", None), "gan": ("gan", "fig1"),
          "bert": ("bert", None)}  # fmt: skip


def tab_questions() -> dict[str, quiz.Question]:
    """Each tab's own quiz question (demos/quiz.py holds them today; after #17 each tab does)."""
    found = dict(getattr(quiz, "QUESTIONS", {}))
    if not found:  # the reorganised layout: each tab module owns its QUESTION
        from demos import bert, gan, resnet, transformer

        for module in (resnet, transformer, gan, bert):
            q = getattr(module, "QUESTION", None)
            if q is not None:
                found[q.key] = q
    return found


def all_questions() -> dict[str, quiz.Question]:
    """Every classroom question by key, in lecture order."""
    tabs = tab_questions()
    mine = {"resnet": RESNET_DEPTH, "transformer": TRANSFORMER_PE, "gan": GAN_PATHS, "bert": BERT_MASKING}
    out = {}
    for paper in ("resnet", "transformer", "gan", "bert"):
        if paper in tabs:
            out[tabs[paper].key] = tabs[paper]
        out[mine[paper].key] = mine[paper]
    return out


ORDER = list(all_questions())  # lecture order

WHY_FN = {"resnet_fig6": why_resnet_depth, "transformer_pe": why_pe, "gan_fig3": why_paths, "bert_fig1": why_masking}


def why(key: str, answer: str, lang: str) -> str:
    """One line for a phone: why the measured answer is what it is."""
    if key in WHY_FN:
        return WHY_FN[key](answer, lang)
    k = f"cls_why_{key}_{answer}".replace(".", "_")
    return text(k if k in _EN else f"cls_why_{key}", lang)


# ---------------------------------------------------------------------------------------------
# Strings (English, Chinese)
# ---------------------------------------------------------------------------------------------

_EN = {
    "cls_rn_q": "With identity shortcuts, which trains worse (higher training error): ResNet-20 or ResNet-56?",
    "cls_rn_c20": "ResNet-20",
    "cls_rn_c56": "ResNet-56",
    "cls_rn_csame": "about the same",
    "cls_rn_result": (
        "Our recorded Fig. 6 run (reduced budget; *Degradation (Fig. 6)*), final training error: ResNet-20 "
        "**{r20:.1f}%**, ResNet-56 **{r56:.1f}%** (test error {t20:.1f}% and {t56:.1f}%). Without shortcuts: "
        "plain-20 {p20:.1f}%, plain-56 {p56:.1f}%."
    ),
    "cls_rn_why_deeper": (
        "With shortcuts the deeper net trains better ({r56:.1f}% vs {r20:.1f}%): each block only learns a "
        "residual, so extra layers can no longer hurt."
    ),
    "cls_rn_why_other": (
        "In this short recorded run the deeper ResNet is not ahead yet ({r56:.1f}% vs {r20:.1f}%); the paper's "
        "full training shows it is."
    ),
    "cls_tf_q": (
        "Sinusoidal positions (§3.5): is there one fixed linear map that turns PE(pos) into PE(pos + 5) "
        "for every position?"
    ),
    "cls_tf_exact": "yes, exactly (the same map for every pos)",
    "cls_tf_approx": "only approximately",
    "cls_tf_depends": "no, the map depends on pos",
    "cls_tf_result": (
        "One matrix M_k built from k = {k} alone (a 2×2 rotation per sine/cosine pair), applied to the model's "
        "own table (d_model = {d}) at all {n} positions: the largest |PE(pos + {k}) − M_k·PE(pos)| is "
        "**{err:.1e}** (rounding). This is why the paper expected the model to attend by relative position."
    ),
    "cls_tf_why": (
        "sin and cos of pos + {k} are sin and cos of pos rotated by a fixed angle: one rotation for every "
        "position (error {err:.0e})."
    ),
    "cls_tf_why_not": "The measured error is {err:.1e}: not one map for every position.",
    "cls_gan_q": "Morphing between two digits through z: which path keeps the digits sharp, lerp or slerp?",
    "cls_gan_lerp": "lerp (a straight line)",
    "cls_gan_slerp": "slerp (a great circle)",
    "cls_gan_same": "no difference",
    "cls_gan_result": (
        "**{name}**, {pairs} pairs of seeds (Fig. 3's first), {steps} frames each; the project's MNIST classifier "
        "rates each frame (its top-class probability, a sure digit is a sharp one). Middle half of the paths: "
        "lerp **{lerp:.0f}%**, slerp **{slerp:.0f}%** (the end digits: {ends:.0f}%). ‖z‖ midway: lerp "
        "{n_lerp:.1f}, slerp {n_slerp:.1f}."
    ),
    "cls_gan_why": (
        "Midway lerp shrinks ‖z‖ to {n_lerp:.1f}, where the prior has no mass: the classifier is sure of "
        "{lerp:.0f}% of lerp's frames and {slerp:.0f}% of slerp's."
    ),
    "cls_gan_why_not": (
        "The classifier's confidence midway: lerp {lerp:.0f}%, slerp {slerp:.0f}% (‖z‖ {n_lerp:.1f} vs "
        "{n_slerp:.1f}): this generator does not mind the dip."
    ),
    "cls_bert_q": "BERT picks 15% of the tokens to predict. Is a picked token ever left unchanged in the input?",
    "cls_bert_never": "never: every picked token becomes [MASK]",
    "cls_bert_tenth": "yes, about 1 in 10 of them",
    "cls_bert_half": "yes, about half of them",
    "cls_bert_result": (
        "The model's own masking (§3.1) on {rows:,} sentences for **{name}**: {chosen:,} of {tokens:,} tokens "
        "picked ({share:.1f}%); of them **{masked:.1f}%** became [MASK], **{random:.1f}%** a random token and "
        "**{same:.1f}%** stayed as they were."
    ),
    "cls_bert_why": (
        "80% [MASK], 10% random, 10% unchanged (measured: {masked:.0f} / {random:.0f} / {same:.0f}%): "
        "fine-tuning never shows [MASK], so the model must not rely on it."
    ),
    "cls_bert_why_other": "Measured: {masked:.0f}% [MASK], {random:.0f}% random, {same:.0f}% unchanged.",
    # the tabs' own questions: one line per measured answer
    "cls_why_resnet_plain56": "Deeper plain nets train worse on their own training images: an optimization "
    "difficulty (degradation), not overfitting.",
    "cls_why_resnet": "This recorded run does not show the paper's degradation.",
    "cls_why_transformer_saturates": "Unscaled dot products grow like √d_k, so the softmax puts almost all "
    "weight on one key and its gradient vanishes.",
    "cls_why_transformer": "Measured on random queries and keys at d_k = 1024.",
    "cls_why_gan_0_5": "D* = p_data / (p_data + p_g): when the two are equal it is 1/2 everywhere.",
    "cls_why_gan": "Measured on the 1-D game of Fig. 1: D* = p_data / (p_data + p_g).",
    "cls_why_bert_door": "The model follows the context: the word the sentence invites comes first.",
    "cls_why_bert_window": "The model follows the context: the word the sentence invites comes first.",
    "cls_why_bert": "This small BERT, trained briefly on a CPU, ranks the most frequent pieces first.",
}

_ZH = {
    "cls_rn_q": "有恒等捷径时，哪个训练得更差（训练误差更高）：ResNet-20 还是 ResNet-56？",
    "cls_rn_c20": "ResNet-20",
    "cls_rn_c56": "ResNet-56",
    "cls_rn_csame": "差不多",
    "cls_rn_result": (
        "我们记录的图 6 训练（缩减的预算；*退化问题（图 6）*），最终训练误差：ResNet-20 **{r20:.1f}%**，"
        "ResNet-56 **{r56:.1f}%**（测试误差 {t20:.1f}% 和 {t56:.1f}%）。没有捷径时：plain-20 {p20:.1f}%，"
        "plain-56 {p56:.1f}%。"
    ),
    "cls_rn_why_deeper": "有捷径时更深的网络训练得更好（{r56:.1f}% 对 {r20:.1f}%）：每个模块只学残差，多加的层不会再拖后腿。",
    "cls_rn_why_other": "在这次较短的记录训练中，更深的 ResNet 还没有领先（{r56:.1f}% 对 {r20:.1f}%）；论文的完整训练表明它会领先。",
    "cls_tf_q": "正弦位置编码（§3.5）：是否存在一个固定的线性映射，对每个位置都把 PE(pos) 变成 PE(pos + 5)？",
    "cls_tf_exact": "是，完全精确（每个位置都是同一个映射）",
    "cls_tf_approx": "只是近似",
    "cls_tf_depends": "不是，映射随位置而变",
    "cls_tf_result": (
        "只由 k = {k} 构造一个矩阵 M_k（每对正弦/余弦一个 2×2 旋转），作用在模型自己的位置表（d_model = {d}）"
        "的全部 {n} 个位置上：|PE(pos + {k}) − M_k·PE(pos)| 的最大值为 **{err:.1e}**（舍入误差）。"
        "所以论文预期模型能按相对位置来分配注意力。"
    ),
    "cls_tf_why": "pos + {k} 的正弦和余弦就是 pos 的正弦和余弦旋转一个固定角度：每个位置都是同一个旋转（误差 {err:.0e}）。",
    "cls_tf_why_not": "测得的误差为 {err:.1e}：不是对每个位置都相同的映射。",
    "cls_gan_q": "在 z 空间里让一个数字渐变成另一个：哪条路径能让数字保持清晰，lerp 还是 slerp？",
    "cls_gan_lerp": "lerp（直线）",
    "cls_gan_slerp": "slerp（大圆弧）",
    "cls_gan_same": "没有区别",
    "cls_gan_result": (
        "**{name}**，{pairs} 对种子（第一对即图 3 的默认值），每条路径 {steps} 帧；由项目的 MNIST 分类器给每帧打分"
        "（最高类别的概率，越确定说明数字越清晰）。路径的中间一半：lerp **{lerp:.0f}%**，slerp **{slerp:.0f}%**"
        "（两端的数字：{ends:.0f}%）。中点的 ‖z‖：lerp {n_lerp:.1f}，slerp {n_slerp:.1f}。"
    ),
    "cls_gan_why": "lerp 在中点把 ‖z‖ 缩到 {n_lerp:.1f}，那里先验几乎没有概率质量：分类器对 lerp 的帧有 {lerp:.0f}% 的把握，对 slerp 有 {slerp:.0f}%。",
    "cls_gan_why_not": "分类器在中点的把握：lerp {lerp:.0f}%，slerp {slerp:.0f}%（‖z‖ {n_lerp:.1f} 对 {n_slerp:.1f}）：这个生成器不在乎这个凹陷。",
    "cls_bert_q": "BERT 选出 15% 的词元来预测。被选中的词元在输入里会不会保持原样？",
    "cls_bert_never": "从不：每个被选中的词元都变成 [MASK]",
    "cls_bert_tenth": "会，大约十分之一",
    "cls_bert_half": "会，大约一半",
    "cls_bert_result": (
        "用模型自己的掩码函数（§3.1）处理 {rows:,} 个句子（**{name}**）：{tokens:,} 个词元中选中 {chosen:,} 个"
        "（{share:.1f}%）；其中 **{masked:.1f}%** 变成 [MASK]，**{random:.1f}%** 换成随机词元，**{same:.1f}%** 保持原样。"
    ),
    "cls_bert_why": "80% [MASK]、10% 随机、10% 不变（实测 {masked:.0f} / {random:.0f} / {same:.0f}%）：微调时从不出现 [MASK]，所以模型不能依赖它。",
    "cls_bert_why_other": "实测：{masked:.0f}% [MASK]，{random:.0f}% 随机，{same:.0f}% 不变。",
    "cls_why_resnet_plain56": "更深的普通网络在自己的训练图像上反而更差：这是优化困难（退化），不是过拟合。",
    "cls_why_resnet": "这次记录的训练没有出现论文所说的退化。",
    "cls_why_transformer_saturates": "未缩放的点积按 √d_k 增大，softmax 几乎把全部权重给一个键，梯度随之消失。",
    "cls_why_transformer": "在 d_k = 1024 的随机查询和键上测得。",
    "cls_why_gan_0_5": "D* = p_data / (p_data + p_g)：两者相等时处处为 1/2。",
    "cls_why_gan": "在图 1 的一维博弈上测得：D* = p_data / (p_data + p_g)。",
    "cls_why_bert_door": "模型跟随了上下文：句子暗示的词排在第一。",
    "cls_why_bert_window": "模型跟随了上下文：句子暗示的词排在第一。",
    "cls_why_bert": "这个只在 CPU 上短暂训练的小 BERT，把最常见的词片排在最前。",
}
register(_EN, _ZH)
