"""ResNet tab: the degradation problem, residual learning you can watch, check and use.

Pure callbacks first (plain data in, plain data or figures out), then `build_tab()`.
Paper: He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", arXiv:1512.03385.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

import gradio as gr
import numpy as np
import PIL.Image
import torch

from demos import lecture, plots
from demos.i18n import columns, register, t, text, with_columns
from demos import quiz
from demos.runtime import stepwise
from lab import resnet as RL
from models import hub
from models import resnet as R

WEIGHTS = ["resnet56.cifar10", "resnet20.cifar10", "resnet18.tv_in1k", "resnet50.tv_in1k"]
DEFAULT_WEIGHTS = "resnet56.cifar10"
CURVES = hub.WEIGHTS_DIR / "resnet_curves" / "curves.json"
RESPONSES = hub.WEIGHTS_DIR / "resnet_curves" / "responses.json"
DEPTHS = [8, 14, 20, 32, 44, 56, 110]  # 6n+2
MAX_PIXELS = 40_000_000  # larger uploads are refused before decoding (decompression bombs)
MAX_LIVE_STEPS = 1000
# PIL's own guard (refuse above 2x this at open): far above ours, so our check can name the size.
PIL.Image.MAX_IMAGE_PIXELS = 1_000_000_000


def _lang(choice: str | None) -> str:
    return "zh" if choice == "中文" else "en"


# ---------------------------------------------------------------------------------------------
# Classify: upload / webcam / paste -> top-5 and Grad-CAM, with the weights' own preprocessing
# ---------------------------------------------------------------------------------------------


def open_image(path: str | None, lang: str = "en") -> PIL.Image.Image:
    """An uploaded file -> an RGB image, or gr.Error with a message a person can act on."""
    if not path:
        raise gr.Error(text("rn_err_noimage", lang))
    try:
        img = PIL.Image.open(path)  # reads the header only
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise gr.Error(text("rn_err_toolarge", lang).format(w=w, h=h, mp=MAX_PIXELS // 1_000_000))
        img.seek(0)  # the first frame of an animation
        img.load()
    except gr.Error:
        raise
    except PIL.Image.DecompressionBombError:
        raise gr.Error(text("rn_err_toolarge", lang).format(w="?", h="?", mp=MAX_PIXELS // 1_000_000))
    except (PIL.UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise gr.Error(text("rn_err_notimage", lang).format(err=type(e).__name__)) from None
    return to_rgb(img)


def to_rgb(img: PIL.Image.Image) -> PIL.Image.Image:
    """Any PIL mode -> 8-bit RGB: 16-bit and float images are rescaled (not clipped), alpha is
    composited on white, CMYK/palette/greyscale are converted."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, dtype=np.float32)
        hi = 65535.0 if img.mode.startswith("I;16") or a.max() > 255 else 255.0
        img = PIL.Image.fromarray((np.clip(a / hi, 0, 1) * 255).round().astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = PIL.Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = PIL.Image.alpha_composite(white, rgba)
    return img.convert("RGB")


def classify(path: str | None, weights: str = DEFAULT_WEIGHTS, lang_choice: str = "English"):
    """Top-5 classes with probabilities, the Grad-CAM overlay, and which weights answered."""
    lang = _lang(lang_choice)
    if weights not in WEIGHTS:
        raise gr.Error(text("rn_err_weights", lang).format(names=", ".join(WEIGHTS)))
    image = open_image(path, lang)
    try:
        loaded = hub.get(weights, fallback=DEFAULT_WEIGHTS)
    except hub.WeightsError as e:
        raise gr.Error(str(e)) from None
    model, cfg = loaded.model, loaded.model.config
    x = R.preprocess(image, cfg)  # (1, 3, S, S): resize, crop, normalize as the weights expect
    pred = RL.predict(model, x)
    top = torch.topk(pred.probs, k=min(5, len(pred.probs)))
    labels = {cfg.categories[i]: float(p) for p, i in zip(top.values.tolist(), top.indices.tolist())}
    crop = R.unnormalize(x, cfg).numpy()  # what the network saw
    size = 224
    crop_big = np.asarray(PIL.Image.fromarray(crop).resize((size, size), PIL.Image.BILINEAR))
    cam_big = np.asarray(PIL.Image.fromarray((pred.cam.numpy() * 255).astype(np.uint8)).resize(
        (size, size), PIL.Image.BILINEAR), dtype=np.float32) / 255  # fmt: skip
    overlay = plots.cam_overlay(crop_big, cam_big)
    seen = text("rn_seen", lang).format(w=image.width, h=image.height, s=cfg.image_size)
    return labels, overlay, f"{loaded.notice}\n\n{seen}"


# ---------------------------------------------------------------------------------------------
# Degradation: the recorded Fig. 6, the live side-by-side run, gradients and responses
# ---------------------------------------------------------------------------------------------


@functools.cache
def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@plots.cached
def recorded_curves(lang_choice: str = "English"):
    """The paper's Fig. 6 from our recorded run, and whether it shows the paper's finding."""
    lang = _lang(lang_choice)
    if not CURVES.exists():
        return None, text("rn_curves_missing", lang)
    data = _read_json(CURVES)
    curves = data["runs"]
    fig = plots.png(plots.fig6_curves(curves, note=text("rn_reduced", "en")), "resnet-fig6")  # figures: English (fonts)
    final = {n: (c["train_error"][-1], c["test_error"][-1]) for n, c in curves.items()}
    rows = "\n".join(f"| {n} | {tr:.1f} | {te:.1f} |" for n, (tr, te) in sorted(final.items()))
    checks = degradation_checks(curves)
    mark = {True: "✓", False: "✗", None: "…"}
    verdict = "\n".join(f"- {mark[ok]} {text(key, lang)}" for key, ok in checks.items())
    md = text("rn_curves_md", lang).format(rows=rows, verdict=verdict, budget=data.get("budget", ""),
                                           recipe=data.get("recipe", ""))
    return fig, md


def degradation_checks(curves: dict) -> dict[str, bool | None]:
    """The two findings of Fig. 6 the recorded run must show (final training error)."""
    err = {n: c["train_error"][-1] for n, c in curves.items()}
    pairs = {"rn_check_plain": ("plain56", "plain20", 1), "rn_check_resnet": ("resnet56", "resnet20", -1)}
    return {key: (None if deep not in err or shallow not in err else sign * (err[deep] - err[shallow]) > 0)
            for key, (deep, shallow, sign) in pairs.items()}  # fmt: skip


def _live_figure(history: dict, depth: int, steps: int) -> str:
    fig = plots.live_curves(history["step"], history["loss"], depth, steps)
    return plots.png(fig, "resnet-live", dpi=100)  # streamed: a smaller frame, sent faster


@plots.cached
def live_cached(lang_choice: str = "English"):
    """The default live run, recorded by `python -m training.resnet_live`: instant on page load."""
    lang = _lang(lang_choice)
    if not RL.LIVE_RECORD.exists():
        return None, text("rn_live_nocache", lang)
    data = _read_json(RL.LIVE_RECORD)
    return _live_figure(data, data["depth"], data["steps"]), _live_summary(data, lang, cached=True)


def _live_summary(history: dict, lang: str, cached: bool = False) -> str:
    last = {n: v[-1] for n, v in history["loss"].items()}
    lines = [f"| {n} | {last[n]:.3f} | {history['test_accuracy'].get(n, float('nan')) * 100:.1f}% |"
             for n in last] if history.get("test_accuracy") else []  # fmt: skip
    head = text("rn_live_cached" if cached else "rn_live_done", lang).format(
        depth=history["depth"], steps=history["steps"], seconds=history.get("seconds", 0)
    )
    return head + ("\n\n| net | loss | test acc. |\n|---|---|---|\n" + "\n".join(lines) if lines else "")


def live_run(depth: int, steps: int, lang_choice: str = "English", progress=gr.Progress()):
    """Train plain, residual (and a shallow plain reference) side by side; stream the curves."""
    import time

    lang = _lang(lang_choice)
    depth, steps = int(depth), int(steps)
    if depth not in DEPTHS:
        raise gr.Error(text("rn_err_depth", lang).format(depths=", ".join(map(str, DEPTHS))))
    if not 10 <= steps <= MAX_LIVE_STEPS:
        raise gr.Error(text("rn_err_steps", lang).format(max=MAX_LIVE_STEPS))
    history = {"depth": depth, "steps": steps, "step": [], "loss": {}, "test_accuracy": None}
    t0 = time.perf_counter()
    reference = 20 if depth > 20 else None
    for s in stepwise(RL.degradation_run(depth=depth, steps=steps, reference=reference, initial=True), threads=None):
        history["step"].append(s.step)
        for name, v in s.loss.items():
            history["loss"].setdefault(name, []).append(v)
        progress(s.step / steps, desc=text("rn_live_training", lang))
        history["seconds"] = time.perf_counter() - t0
        if s.test_accuracy is not None:
            history["test_accuracy"] = s.test_accuracy
            yield _live_figure(history, depth, steps), _live_summary(history, lang)
        elif s.step in (0, 10) or s.step % 50 == 0:  # a first frame at once, then every 50 steps
            yield _live_figure(history, depth, steps), text("rn_live_progress", lang).format(
                step=s.step, steps=steps
            )


@plots.cached
def grad_norms(depth: int, steps: int, lang_choice: str = "English"):
    """Per-layer gradient norms of a plain and a residual net (log scale)."""
    lang = _lang(lang_choice)
    depth, steps = int(depth), int(steps)
    if depth not in DEPTHS:
        raise gr.Error(text("rn_err_depth", lang).format(depths=", ".join(map(str, DEPTHS))))
    if not 0 <= steps <= 200:
        raise gr.Error(text("rn_err_gsteps", lang))
    norms = RL.gradient_norms(depth, steps)
    title = text("rn_grad_title", "en").format(depth=depth, steps=steps)  # figures stay in English (fonts)
    return plots.png(plots.gradient_norms(norms, title), "resnet-grads")


@plots.cached
def layer_responses(lang_choice: str = "English"):
    """The paper's Fig. 7 from our recorded plain and residual checkpoints."""
    lang = _lang(lang_choice)
    if not RESPONSES.exists():
        return None, text("rn_resp_missing", lang)
    data = _read_json(RESPONSES)
    return plots.png(plots.layer_responses(data["std"]), "resnet-fig7"), text("rn_resp_md", lang).format(source=data["source"])


# ---------------------------------------------------------------------------------------------
# Architecture explorer and the paper check (Tables 1, 3 and 6)
# ---------------------------------------------------------------------------------------------

ARCHS = [n for n in R.PRESETS if n.startswith(("resnet", "plain"))]


@plots.cached
def architecture(name: str, lang_choice: str = "English"):
    """Stage table, params and FLOPs counted from the module, and the block diagram."""
    lang = _lang(lang_choice)
    if name not in R.PRESETS:
        raise gr.Error(text("rn_err_arch", lang).format(names=", ".join(ARCHS)))
    cfg = R.PRESETS[name]
    rows = [[r["stage"], r["output"], r["blocks"], r["channels"]] for r in RL.stage_table(cfg)]
    params, flops = _counts(name)
    md = text("rn_arch_md", lang).format(
        name=name, depth=cfg.depth, block=cfg.block, shortcut=cfg.shortcut if cfg.residual else "-",
        params=params / 1e6, gflops=flops / 1e9, size=cfg.image_size,
    )
    fig = plots.png(plots.block_diagram(cfg.block, cfg.residual, cfg.widths[0]), "resnet-block")
    return rows, md, fig


@functools.cache
def _counts(name: str) -> tuple[int, int]:
    model = RL.meta_model(R.PRESETS[name])  # shapes only: instant even for ResNet-152
    return R.count_params(model), R.count_flops(model)


@functools.cache
def paper_check(lang_choice: str = "English") -> list[list]:
    """Our counts beside Table 1 (GFLOPs) and Table 6 (params), with the gap and its reason."""
    lang = _lang(lang_choice)
    rows = []
    for name, paper in R.PAPER_GFLOPS.items():
        ours = _counts(name)[1] / 1e9
        v1 = R.count_flops(RL.meta_model(replace(R.PRESETS[name], stride_in_3x3=False))) / 1e9
        gap = (ours - paper) / paper * 100
        why = text("rn_why_ok", lang) if abs(gap) <= 5 else text("rn_why_v15", lang).format(v1=v1)
        rows.append([f"{name} (Table 1)", "GFLOPs", paper, round(ours, 2), f"{gap:+.1f}%", why])
    for name, paper in R.PAPER_CIFAR_PARAMS_M.items():
        ours = _counts(name)[0] / 1e6
        gap = (ours - paper) / paper * 100
        rows.append([f"{name} (Table 6)", "M params", paper, round(ours, 3), f"{gap:+.1f}%",
                     text("rn_why_ok", lang) if abs(gap) <= 5 else text("rn_why_round", lang)])  # fmt: skip
    return rows


def table3(lang_choice: str | None = None) -> list[list]:
    """Table 3: ImageNet validation error of plain-34 and the shortcut options A/B/C (the language:
    for the headers, see `with_columns`)."""
    return [[k, v[0], v[1]] for k, v in R.PAPER_TABLE3.items()]


# ---------------------------------------------------------------------------------------------
# Strings (English, Chinese)
# ---------------------------------------------------------------------------------------------

EN = {
    "rn_claim": (
        "## Deep Residual Learning (He et al., 2015)\n"
        "**The paper's claim.** Stacking more layers onto a plain network makes it *worse*, even on "
        "the training set (the *degradation* problem: not overfitting, an optimization difficulty). "
        "Letting each block learn a residual F(x) = H(x) − x and adding the input back through an "
        "identity shortcut, y = F(x) + x (Eq. 1), removes the problem: deeper ResNets train better "
        "and cost fewer FLOPs than VGG (ResNet-152: 11.3 GFLOPs vs VGG-19: 19.6)."
    ),
    "rn_sub_curves": "Degradation (Fig. 6)",
    "rn_sub_live": "Run it yourself",
    "rn_sub_why": "Why it works",
    "rn_sub_classify": "Classify",
    "rn_sub_arch": "Architecture",
    "rn_sub_check": "Paper check",
    "rn_curves_md": (
        "**Our recorded run, reduced budget:** {budget}. Recipe: {recipe}.\n\n"
        "Final errors (%):\n\n| net | train | test |\n|---|---|---|\n{rows}\n\n"
        "**The paper's finding, checked on this run:**\n{verdict}\n\n"
        "Paper (full schedule, 164 epochs): ResNet-20/32/44/56 test error 8.75 / 7.51 / 7.17 / 6.97 %"
        " (Table 6); plain-56 has higher training *and* test error than plain-20 (Fig. 6 left)."
    ),
    "rn_reduced": "reduced budget: a subset of CIFAR-10 and few epochs (details below the plot)",
    "rn_check_plain": "plain-56 ends with a higher training error than plain-20 (degradation)",
    "rn_check_resnet": "ResNet-56 ends with a lower training error than ResNet-20 (depth helps)",
    "rn_curves_missing": "The recorded curves are not in this copy of the app (weights/resnet_curves/curves.json).",
    "rn_live_md": (
        "Train a plain net and a ResNet of the same depth side by side, on the same batches, on "
        "the 1,797 8×8 handwritten digits that ship with scikit-learn (a 20-layer plain net runs "
        "too, as the shallow reference). The default is shown instantly from a recorded run; "
        "**Run** trains them live (one run at a time on a shared server; **Stop** ends it)."
    ),
    "rn_depth": "Depth (6n+2 layers)",
    "rn_steps": "Training steps",
    "rn_run": "Run",
    "rn_stop": "Stop",
    "rn_live_status": "Status",
    "rn_live_training": "training",
    "rn_live_progress": "Training… step {step} of {steps}",
    "rn_live_done": "Finished: {depth} layers, {steps} steps in {seconds:.0f} s.",
    "rn_live_cached": "Recorded run with the default settings ({depth} layers, {steps} steps, {seconds:.0f} s on two CPU cores). Press **Run** to train live.",
    "rn_live_nocache": "No recorded default run in this copy; press **Run** to train live.",
    "rn_grad_md": (
        "**Gradient norms per layer** (‖∂loss/∂W‖ of every conv, log scale), for a plain and a residual "
        "net of the same depth, at initialization or after a few SGD steps. In a deep plain net the "
        "gradient changes by orders of magnitude from the last layer to the first: at initialization "
        "it grows toward the input (with BN the signal does not vanish, as §4.1 notes), after a few "
        "steps the first layers receive almost nothing. Through the identity shortcuts every layer "
        "gets a gradient of the same order: try 56 layers at 0 and then at 50 steps."
    ),
    "rn_grad_steps": "after SGD steps",
    "rn_grad_run": "Compute",
    "rn_grad_title": "{depth} layers, after {steps} SGD steps",
    "rn_resp_md": (
        "**Fig. 7: layer responses.** The std of each 3×3 layer's output (after BN, before the "
        "ReLU/addition). Residual functions are closer to zero than the plain net's layers: the "
        "paper's evidence that the residual formulation is a good preconditioning. Source: {source}"
    ),
    "rn_resp_missing": "The recorded layer responses are not in this copy (weights/resnet_curves/responses.json).",
    "rn_classify_md": (
        "Upload, paste or take a photo. The embedded models are CIFAR-10 ResNets trained by this project, "
        "ResNet-56 (the default, {e56}% error on the JPEG test copy) and ResNet-20 ({e20}%; the paper, lossless: 6.97% and 8.75%, see "
        "their model cards), 10 classes: airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck; "
        "the ImageNet ResNets (1,000 classes) load from the Hugging Face Hub when it is reachable. "
        "The image is resized, center-cropped and normalized exactly as the weights were trained; the "
        "heat map (Grad-CAM) shows where the last stage looked for the top class."
    ),
    "rn_image": "Image",
    "rn_weights": "Weights",
    "rn_classify": "Classify",
    "rn_top5": "Top-5",
    "rn_examples": "Examples (photos that ship with scikit-image)",
    "rn_cam": "Grad-CAM: where the network looked",
    "rn_seen": "Your image ({w}×{h}) was resized and center-cropped to the {s}×{s} input the network sees.",
    "rn_arch_md": (
        "**{name}**: {depth} weighted layers, {block} blocks, shortcut option {shortcut}, "
        "input {size}×{size}. Counted from the module: **{params:.2f} M parameters, "
        "{gflops:.3f} GFLOPs** (multiply-adds of conv and fc layers, as Table 1 counts them)."
    ),
    "rn_arch": "Network",
    "rn_stage_table": "Stages (Table 1)",
    "rn_table3_md": (
        "**Shortcut options (§3.3, Table 3)**: A, zero-padding for increasing dimensions, all "
        "shortcuts parameter-free; B, projections for increasing dimensions, identities otherwise; "
        "C, all shortcuts are projections. ImageNet validation error, 10-crop (%), from the paper:"
    ),
    "rn_check_md": (
        "Parameter counts and FLOPs counted from our module (architecture only, instant) beside "
        "the paper's Table 1 and Table 6. Within 5% counts as agreeing; larger gaps are explained."
    ),
    "rn_why_ok": "agrees (within 5%)",
    "rn_why_v15": (
        "torchvision's layout (\"V1.5\") strides the bottleneck's 3×3 conv; with the paper's "
        "stride on the first 1×1 conv our module gives {v1:.2f} GFLOPs"
    ),
    "rn_why_round": "the paper rounds",
    "rn_err_noimage": "Please upload, paste or take an image first.",
    "rn_err_notimage": "This file is not an image that can be read ({err}). Please use a PNG, JPEG, WebP, GIF, BMP or TIFF file.",
    "rn_err_toolarge": "This image is too large ({w}×{h}); the limit is {mp} megapixels. Please use a smaller image.",
    "rn_err_weights": "Unknown weights; choose one of: {names}.",
    "rn_err_depth": "Depth must be one of {depths}.",
    "rn_err_steps": "Steps must be between 10 and {max}.",
    "rn_err_gsteps": "Steps must be between 0 and 200.",
    "rn_err_arch": "Unknown network; choose one of: {names}.",
    "rn_fig1": "Fig. 1 — plain-20 vs plain-56 on CIFAR-10: the deeper plain net has the higher error (recorded run)",
    "rn_fig4": "Fig. 4 — a plain net and a ResNet of the same depth, trained side by side (recorded run)",
    "rn_fig6": "Fig. 6 — CIFAR-10 training curves: plain-20/56 and ResNet-20/56 (recorded run)",
    "rn_fig7": "Fig. 7 — layer responses: std of each 3×3 layer's output, plain vs ResNet",
    "rn_table1": "Table 1 — the architectures: stages, parameters and FLOPs (ResNet-50)",
}

ZH = {
    "rn_claim": (
        "## 深度残差学习（He 等，2015）\n"
        "**论文的结论。** 在普通（plain）网络上堆叠更多层会让它变得*更差*，连训练集上的误差都更高"
        "（即*退化*问题：不是过拟合，而是优化困难）。让每个模块学习残差 F(x) = H(x) − x，"
        "再通过恒等捷径把输入加回去，y = F(x) + x（式 1），问题就消失了：更深的 ResNet 训练得更好，"
        "而且计算量比 VGG 更少（ResNet-152：11.3 GFLOPs，VGG-19：19.6）。"
    ),
    "rn_sub_curves": "退化问题（图 6）",
    "rn_sub_live": "亲手试一试",
    "rn_sub_why": "为什么有效",
    "rn_sub_classify": "图像分类",
    "rn_sub_arch": "网络结构",
    "rn_sub_check": "核对论文",
    "rn_curves_md": (
        "**我们记录的训练（缩减的预算）：** {budget}。训练方法：{recipe}。\n\n"
        "最终误差（%）：\n\n| 网络 | 训练 | 测试 |\n|---|---|---|\n{rows}\n\n"
        "**在这次训练上核对论文的发现：**\n{verdict}\n\n"
        "论文（完整训练，164 个 epoch）：ResNet-20/32/44/56 的测试误差为 8.75 / 7.51 / 7.17 / 6.97 %"
        "（表 6）；plain-56 的训练误差和测试误差都高于 plain-20（图 6 左）。"
    ),
    "rn_reduced": "缩减的预算：CIFAR-10 的子集、较少的 epoch（详见图下方）",
    "rn_check_plain": "plain-56 最终的训练误差高于 plain-20（退化）",
    "rn_check_resnet": "ResNet-56 最终的训练误差低于 ResNet-20（更深更好）",
    "rn_curves_missing": "此副本中没有记录的训练曲线（weights/resnet_curves/curves.json）。",
    "rn_live_md": (
        "在 scikit-learn 自带的 1,797 张 8×8 手写数字上，用相同的批次并排训练同样深度的普通网络和 ResNet"
        "（另有一个 20 层普通网络作为浅层参照）。默认设置的结果来自一次记录的运行，立即显示；"
        "**运行** 会现场训练（共享服务器上一次只运行一个；**停止** 可随时结束）。"
    ),
    "rn_depth": "深度（6n+2 层）",
    "rn_steps": "训练步数",
    "rn_run": "运行",
    "rn_stop": "停止",
    "rn_live_status": "状态",
    "rn_live_training": "训练中",
    "rn_live_progress": "训练中… 第 {step} / {steps} 步",
    "rn_live_done": "完成：{depth} 层，{steps} 步，用时 {seconds:.0f} 秒。",
    "rn_live_cached": "默认设置下记录的运行（{depth} 层，{steps} 步，在两个 CPU 核上用时 {seconds:.0f} 秒）。按 **运行** 现场训练。",
    "rn_live_nocache": "此副本中没有记录的默认运行；按 **运行** 现场训练。",
    "rn_grad_md": (
        "**每层的梯度范数**（每个卷积层的 ‖∂loss/∂W‖，对数坐标），比较同样深度的普通网络和残差网络，"
        "可以看初始化时，也可以看训练几步 SGD 之后。在很深的普通网络里，从最后一层到第一层，梯度相差几个数量级："
        "初始化时它朝输入方向变大（有 BN 时信号不会消失，正如 §4.1 所说），训练几步之后前几层几乎得不到梯度。"
        "有了恒等捷径，每一层得到的梯度都在同一个量级：试试 56 层、0 步，再试 50 步。"
    ),
    "rn_grad_steps": "SGD 训练步数",
    "rn_grad_run": "计算",
    "rn_grad_title": "{depth} 层，{steps} 步 SGD 之后",
    "rn_resp_md": (
        "**图 7：层响应。** 每个 3×3 层输出（BN 之后、ReLU/相加之前）的标准差。残差函数比普通网络的层更接近零："
        "这是论文用来说明残差形式是一种良好预处理的证据。数据来源：{source}"
    ),
    "rn_resp_missing": "此副本中没有记录的层响应（weights/resnet_curves/responses.json）。",
    "rn_classify_md": (
        "上传、粘贴或拍一张照片。内置模型是本项目训练的 CIFAR-10 ResNet：ResNet-56（默认，在 JPEG 测试集副本上误差 {e56}%）和 ResNet-20"
        "（{e20}%；论文（无损）为 6.97% 与 8.75%，见模型卡），10 类：飞机、汽车、鸟、猫、鹿、狗、青蛙、马、船、卡车；"
        "能连上 Hugging Face Hub 时可加载 ImageNet ResNet（1,000 类）。图像按权重训练时的方式缩放、中心裁剪并归一化；"
        "热力图（Grad-CAM）显示最后一个阶段为最高类别关注了哪里。"
    ),
    "rn_image": "图像",
    "rn_weights": "权重",
    "rn_classify": "分类",
    "rn_top5": "前 5 名",
    "rn_examples": "示例（scikit-image 自带的照片）",
    "rn_cam": "Grad-CAM：网络看了哪里",
    "rn_seen": "你的图像（{w}×{h}）被缩放并中心裁剪为网络看到的 {s}×{s} 输入。",
    "rn_arch_md": (
        "**{name}**：{depth} 个带权重的层，{block} 模块，捷径选项 {shortcut}，输入 {size}×{size}。"
        "由模块统计：**{params:.2f} M 参数，{gflops:.3f} GFLOPs**（卷积层和全连接层的乘加次数，与表 1 的统计方式相同）。"
    ),
    "rn_arch": "网络",
    "rn_stage_table": "各阶段（表 1）",
    "rn_table3_md": (
        "**捷径选项（§3.3，表 3）**：A，维度增加时补零，所有捷径都不含参数；B，维度增加时用投影，其余为恒等；"
        "C，所有捷径都是投影。论文中的 ImageNet 验证集误差（10-crop，%）："
    ),
    "rn_check_md": "由我们的模块统计的参数量和 FLOPs（只看结构，即时计算），与论文表 1 和表 6 对照。差距在 5% 以内视为一致；更大的差距会给出解释。",
    "rn_why_ok": "一致（5% 以内）",
    "rn_why_v15": "torchvision 的结构（“V1.5”）把步长放在瓶颈模块的 3×3 卷积上；若按论文放在第一个 1×1 卷积上，我们的模块得到 {v1:.2f} GFLOPs",
    "rn_why_round": "论文做了四舍五入",
    "rn_err_noimage": "请先上传、粘贴或拍摄一张图像。",
    "rn_err_notimage": "无法把这个文件当作图像读取（{err}）。请使用 PNG、JPEG、WebP、GIF、BMP 或 TIFF 文件。",
    "rn_err_toolarge": "图像太大（{w}×{h}）；上限为 {mp} 百万像素。请使用较小的图像。",
    "rn_err_weights": "未知的权重；请从以下选择：{names}。",
    "rn_err_depth": "深度必须是 {depths} 之一。",
    "rn_err_steps": "步数必须在 10 到 {max} 之间。",
    "rn_err_gsteps": "步数必须在 0 到 200 之间。",
    "rn_err_arch": "未知的网络；请从以下选择：{names}。",
    "rn_fig1": "图 1 — CIFAR-10 上的 plain-20 与 plain-56：更深的普通网络误差更高（记录的训练）",
    "rn_fig4": "图 4 — 同样深度的普通网络与 ResNet 并排训练（记录的运行）",
    "rn_fig6": "图 6 — CIFAR-10 训练曲线：plain-20/56 与 ResNet-20/56（记录的训练）",
    "rn_fig7": "图 7 — 层响应：每个 3×3 层输出的标准差，普通网络与 ResNet 对比",
    "rn_table1": "表 1 — 网络结构：各阶段、参数量与 FLOPs（ResNet-50）",
}
# the embedded models' measured test errors (JPEG 10k test copy), from their catalogue rows
_measured = {name: e.meta.get("test_error_jpeg10k") for name, e in hub.read_catalogue().items()}
for _table in (EN, ZH):
    _table["rn_classify_md"] = _table["rn_classify_md"].format(e56=f"{_measured['resnet56.cifar10']:.2f}",
                                                               e20=f"{_measured['resnet20.cifar10']:.2f}")  # fmt: skip
register(EN, ZH)


# ---------------------------------------------------------------------------------------------
# The tab
# ---------------------------------------------------------------------------------------------


def example_images() -> list[str]:
    """Photos that ship inside scikit-image (not dataset images): a cat, a coffee cup, a rocket,
    an astronaut, a motorcycle, and a greyscale camera man."""
    import skimage

    folder = Path(skimage.__file__).parent / "data"
    names = ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "motorcycle_left.png", "camera.png"]
    return [str(folder / n) for n in names if (folder / n).exists()]


def with_clear_errors(image: gr.Image) -> gr.Image:
    """Make an image input's own decoding errors reach the user as a clear message, not a trace.

    (An instance attribute, not a subclass: gradio writes a .pyi stub beside any module that
    subclasses a component.)"""
    decode = image.preprocess

    def preprocess(payload):
        try:
            return decode(payload)
        except PIL.Image.DecompressionBombError:
            raise gr.Error(text("rn_err_toolarge", "en").format(w="?", h="?", mp=MAX_PIXELS // 1_000_000))
        except (PIL.UnidentifiedImageError, OSError, ValueError) as e:
            raise gr.Error(text("rn_err_notimage", "en").format(err=type(e).__name__)) from None

    image.preprocess = preprocess
    return image


# The views a sub-tab opens on (English, the UI's defaults): app.py warms them after start-up; the
# paper figures' views (FIGURES) in Chinese too, so that every preset opens at once in both languages.
WARM = [(recorded_curves, ("English",)), (live_cached, ("English",)), (layer_responses, ("English",)),
        (grad_norms, (56, 0, "English")), (architecture, ("resnet50", "English")), (paper_check, ("English",)),
        (recorded_curves, ("中文",)), (live_cached, ("中文",)), (layer_responses, ("中文",)),
        (grad_norms, (56, 0, "中文")), (architecture, ("resnet50", "中文"))]  # fmt: skip

# Lecture mode: the paper's figures, one click (or ?tab=resnet&preset=fig6) each. Fig. 1 is the left half
# of Fig. 6 on CIFAR-10 (plain-20 vs plain-56): both open the recorded curves.
FIGURES = {
    "fig1": lecture.Preset("rn_fig1", {"view": "resnet-curves"}),
    "fig4": lecture.Preset("rn_fig4", {"view": "resnet-live", "depth": RL.LIVE_DEFAULT["depth"],
                                       "steps": RL.LIVE_DEFAULT["steps"]}),
    "fig6": lecture.Preset("rn_fig6", {"view": "resnet-curves"}),
    "fig7": lecture.Preset("rn_fig7", {"view": "resnet-why", "grad_depth": 56, "grad_steps": 0}),
    "table1": lecture.Preset("rn_table1", {"view": "resnet-arch", "arch": "resnet50"}),
}  # fmt: skip


STAGE_COLS = ["col_stage", "col_output", "col_blocks", "col_channels"]
CHECK_COLS = ["col_network", "col_quantity", "col_paper", "col_ours", "col_gap", "col_why"]
TABLE3_COLS = ["col_model", "col_top1", "col_top5"]


def build_tab(lang: gr.Radio, tab: gr.Tab) -> None:
    gr.Markdown(t("rn_claim"))
    quiz.block(quiz.RESNET, lang)  # predict, then reveal (#8)
    figures = lecture.picker(FIGURES)
    with gr.Tabs() as views:
        with gr.Tab(t("rn_sub_curves"), id="resnet-curves") as curves_tab:
            curves_plot = plots.view()
            curves_md = gr.Markdown()
        with gr.Tab(t("rn_sub_live"), id="resnet-live") as live_tab:
            gr.Markdown(t("rn_live_md"))
            with gr.Row():
                depth = gr.Dropdown(DEPTHS, value=RL.LIVE_DEFAULT["depth"], label=t("rn_depth"))
                steps = gr.Slider(10, MAX_LIVE_STEPS, value=RL.LIVE_DEFAULT["steps"], step=10,
                                  label=t("rn_steps"))  # fmt: skip
                run = gr.Button(t("rn_run"), variant="primary")
                stop = gr.Button(t("rn_stop"), variant="stop")
            live_status = gr.Markdown(label=t("rn_live_status"), elem_id="resnet-live-status")
            live_plot = plots.view()
        with gr.Tab(t("rn_sub_why"), id="resnet-why") as why_tab:
            gr.Markdown(t("rn_grad_md"))
            with gr.Row():
                g_depth = gr.Dropdown(DEPTHS, value=56, label=t("rn_depth"))
                g_steps = gr.Slider(0, 200, value=0, step=10, label=t("rn_grad_steps"))
                g_run = gr.Button(t("rn_grad_run"), variant="primary")
            g_plot = plots.view()
            resp_plot = plots.view()
            resp_md = gr.Markdown()
        with gr.Tab(t("rn_sub_classify"), id="resnet-classify"):
            gr.Markdown(t("rn_classify_md"))
            with gr.Row():
                with gr.Column():
                    image = with_clear_errors(gr.Image(
                        type="filepath", sources=["upload", "webcam", "clipboard"], label=t("rn_image"),
                        height=300, elem_id="resnet-image"))  # fmt: skip
                    weights = gr.Dropdown(WEIGHTS, value=DEFAULT_WEIGHTS, label=t("rn_weights"))
                    go = gr.Button(t("rn_classify"), variant="primary")
                with gr.Column():
                    top5 = gr.Label(num_top_classes=5, label=t("rn_top5"))
                    cam = gr.Image(label=t("rn_cam"), height=240, interactive=False)
                    notice = gr.Markdown(elem_id="resnet-weights-notice")
            examples = gr.Examples([[p] for p in example_images()], inputs=[image], label=t("rn_examples"))
        with gr.Tab(t("rn_sub_arch"), id="resnet-arch") as arch_tab:
            arch = gr.Dropdown(ARCHS, value="resnet50", label=t("rn_arch"))
            with gr.Row():
                with gr.Column(scale=3):
                    arch_md = gr.Markdown()
                    stages = gr.Dataframe(headers=columns(STAGE_COLS),
                                          label=t("rn_stage_table"), interactive=False)  # fmt: skip
                    gr.Markdown(t("rn_table3_md"))
                    t3 = gr.Dataframe(headers=columns(TABLE3_COLS), interactive=False)
                with gr.Column(scale=2):
                    diagram = plots.view()
        with gr.Tab(t("rn_sub_check"), id="resnet-check") as check_tab:
            gr.Markdown(t("rn_check_md"))
            check = gr.Dataframe(headers=columns(CHECK_COLS),
                                 interactive=False, wrap=True,
                                 column_widths=["15%", "9%", "7%", "7%", "7%", "55%"])  # fmt: skip

    # Deep links (demos/lecture.py): ?tab=resnet&view=resnet-live&depth=20, ?tab=resnet&preset=fig6, ...
    for key, component in [("view", views), ("depth", depth), ("steps", steps), ("grad_depth", g_depth),
                           ("grad_steps", g_steps), ("arch", arch)]:  # fmt: skip
        lecture.link(key, component)
    lecture.presets(figures, FIGURES)
    # After a preset or a link: the live view (a live run may be on screen) and the gradient norms.
    lecture.redraw(views, {"resnet-live": (live_cached, [lang], [live_plot, live_status]),
                           "resnet-why": (grad_norms, [g_depth, g_steps, lang], [g_plot])})  # fmt: skip

    # Heavy plots render when their sub-tab opens, so the page itself loads fast.
    gr.on([tab.select, curves_tab.select], recorded_curves, lang, [curves_plot, curves_md],
          api_name="resnet_curves")  # fmt: skip
    live_tab.select(live_cached, lang, [live_plot, live_status], api_name="resnet_live_cached")
    live_event = run.click(live_run, [depth, steps, lang], [live_plot, live_status], api_name="resnet_live",
                           concurrency_limit=1, concurrency_id="live-training",
                           show_progress_on=live_status)  # fmt: skip
    stop.click(None, cancels=[live_event])
    why_tab.select(layer_responses, lang, [resp_plot, resp_md], api_name="resnet_responses")
    g_run.click(grad_norms, [g_depth, g_steps, lang], g_plot, api_name="resnet_grad_norms",
                concurrency_limit=2)  # fmt: skip
    go.click(classify, [image, weights, lang], [top5, cam, notice], api_name="resnet_classify")
    image.upload(classify, [image, weights, lang], [top5, cam, notice], api_visibility="private")
    examples.load_input_event.then(classify, [image, weights, lang], [top5, cam, notice], api_visibility="private")
    arch_inputs = dict(fn=with_columns(architecture, {0: STAGE_COLS}), inputs=[arch, lang],
                       outputs=[stages, arch_md, diagram])  # fmt: skip
    arch.change(**arch_inputs, api_name="resnet_architecture")
    arch_tab.select(**arch_inputs, api_visibility="private")
    arch_tab.select(with_columns(table3, {None: TABLE3_COLS}), lang, t3, api_name="resnet_table3")
    check_tab.select(with_columns(paper_check, {None: CHECK_COLS}), lang, check,
                     api_name="resnet_paper_check")  # fmt: skip
