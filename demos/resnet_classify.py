"""ResNet tab, Classify sub-tab: upload / webcam / paste -> top-5 and Grad-CAM, with the weights'
own preprocessing, and the example photos it opens on.

`demos/resnet.py` builds the rest of the tab and places this sub-tab with `build(lang)`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import gradio as gr
import numpy as np
import PIL.Image

from demos import weights as weights_ui
from demos.checks import load_weights
from demos.i18n import t, text
from demos.lazy import lazy
from demos.plots import resnet as figures
from demos.runtime import clear_on_failure
from demos.strings import resnet as strings  # noqa: F401 (registers the tab's strings)

torch = lazy("torch")
RL = lazy("lab.resnet")
R = lazy("models.resnet")

WEIGHTS = ["resnet56.cifar10", "resnet20.cifar10", "resnet18.tv_in1k", "resnet50.tv_in1k"]
DEFAULT_WEIGHTS = "resnet56.cifar10"  # the embedded model: what the tab falls back to
MAX_PIXELS = 40_000_000  # larger uploads are refused before decoding (decompression bombs)
# PIL's own guard (refuse above 2x this at open): far above ours, so our check can name the size.
PIL.Image.MAX_IMAGE_PIXELS = 1_000_000_000


def open_image(path: str | None, lang: str = "en") -> PIL.Image.Image:
    """An uploaded file -> an RGB image, or gr.Error with a message a person can act on."""
    if not path:
        raise gr.Error(text("rn_err_noimage", lang))
    try:
        img = PIL.Image.open(path)  # reads the header only
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise gr.Error(
                text("rn_err_toolarge", lang).format(w=w, h=h, mp=MAX_PIXELS // 1_000_000)
            )
        img.seek(0)  # the first frame of an animation
        img.load()
    except gr.Error:
        raise
    except PIL.Image.DecompressionBombError:
        raise gr.Error(
            text("rn_err_toolarge", lang).format(w="?", h="?", mp=MAX_PIXELS // 1_000_000)
        )
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


def classify(path: str | None, weights: str = DEFAULT_WEIGHTS, lang: str = "en"):
    """Top-5 classes with probabilities, the Grad-CAM overlay, and which weights answered."""
    loaded = load_weights(weights, WEIGHTS, DEFAULT_WEIGHTS, "rn_err_weights", lang)
    image = open_image(path, lang)
    model, cfg = loaded.model, loaded.model.config
    x = R.preprocess(image, cfg)  # (1, 3, S, S): resize, crop, normalize as the weights expect
    pred = RL.predict(model, x)
    top = torch.topk(pred.probs, k=min(5, len(pred.probs)))
    labels = {
        cfg.categories[i]: float(p) for p, i in zip(top.values.tolist(), top.indices.tolist())
    }
    crop = R.unnormalize(x, cfg).numpy()  # what the network saw
    size = 224
    crop_big = np.asarray(PIL.Image.fromarray(crop).resize((size, size), PIL.Image.BILINEAR))
    cam_big = (
        np.asarray(
            PIL.Image.fromarray((pred.cam.numpy() * 255).astype(np.uint8)).resize(
                (size, size), PIL.Image.BILINEAR
            ),
            dtype=np.float32,
        )
        / 255
    )
    overlay = figures.cam_overlay(crop_big, cam_big)
    seen = text("rn_seen", lang).format(w=image.width, h=image.height, s=cfg.image_size)
    return (
        labels,
        overlay,
        out_of_class(path, cfg.categories, labels, lang) + (f"{loaded.notice}\n\n{seen}"),
    )


def out_of_class(path: str, categories: list[str], labels: dict[str, float], lang: str) -> str:
    """For a 10-class CIFAR model and an example photo of something outside its classes (#19
    item 4): why it still names one of them, with confidence. Empty otherwise."""
    subject = example_subject(path)
    if len(categories) != 10 or subject is None or subject[1]:
        return ""
    top = max(labels, key=labels.get)
    return (
        text("rn_out_of_class", lang).format(
            subject=text(subject[0], lang),
            top=top,
            p=100 * labels[top],
            classes=", ".join(categories),
        )
        + "\n\n"
    )


# The example photos: (file in scikit-image's data, what it shows, whether that is one of CIFAR-10's
# classes). The two a CIFAR-10 model can get right come first (#19 item 4).
EXAMPLES = [
    ("chelsea.png", "rn_subject_cat", True),
    ("horse.png", "rn_subject_horse", True),
    ("coffee.png", "rn_subject_coffee", False),
    ("rocket.jpg", "rn_subject_rocket", False),
    ("astronaut.png", "rn_subject_astronaut", False),
    ("motorcycle_left.png", "rn_subject_motorcycle", False),
    ("camera.png", "rn_subject_camera", False),
]


def _examples_folder() -> Path:
    import skimage

    return Path(skimage.__file__).parent / "data"


def example_images() -> list[str]:
    """Photos that ship inside scikit-image (not dataset images): a cat and a horse (CIFAR-10
    classes) first, then a coffee cup, a rocket, an astronaut, a motorcycle, and a greyscale
    camera man."""
    folder = _examples_folder()
    return [str(folder / n) for n, _, _ in EXAMPLES if (folder / n).exists()]


@functools.cache
def _example_digests() -> dict[tuple[int, str], tuple[str, bool]]:
    """(size, sha256) of each example photo -> (what it shows, whether CIFAR-10 has that class)."""
    out = {}
    for name, subject, in_class in EXAMPLES:
        path = _examples_folder() / name
        if path.exists():
            data = path.read_bytes()
            out[(len(data), hashlib.sha256(data).hexdigest())] = (subject, in_class)
    return out


def example_subject(path: str | None) -> tuple[str, bool] | None:
    """What an example photo shows, recognized by its bytes (gradio hands the file over under
    another folder); None for any other image."""
    try:
        size = Path(path).stat().st_size
    except (OSError, TypeError, ValueError):
        return None
    if not any(size == s for s, _ in _example_digests()):
        return None  # not one of the examples: no need to read it
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _example_digests().get((size, digest))


def with_clear_errors(image: gr.Image) -> gr.Image:
    """Make an image input's own decoding errors reach the user as a clear message, not a trace.

    (An instance attribute, not a subclass: gradio writes a .pyi stub beside any module that
    subclasses a component.)"""
    decode = image.preprocess

    def preprocess(payload):
        try:
            return decode(payload)
        except PIL.Image.DecompressionBombError:
            raise gr.Error(
                text("rn_err_toolarge", "en").format(w="?", h="?", mp=MAX_PIXELS // 1_000_000)
            )
        except (PIL.UnidentifiedImageError, OSError, ValueError) as e:
            raise gr.Error(text("rn_err_notimage", "en").format(err=type(e).__name__)) from None

    image.preprocess = preprocess
    return image


def build(lang: gr.Radio) -> None:
    """Classify: upload / webcam / paste -> top-5 and Grad-CAM."""
    with gr.Tab(t("rn_sub_classify"), id="resnet-classify") as classify_tab:
        gr.Markdown(t("rn_classify_md"))
        with gr.Row():
            with gr.Column():
                image = with_clear_errors(
                    gr.Image(
                        type="filepath",
                        sources=["upload", "webcam", "clipboard"],
                        label=t("rn_image"),
                        height=300,
                        elem_id="resnet-image",
                    )
                )
                # opens on the best checkpoint at hand (issue 15): demos/weights.py
                picker = weights_ui.picker(
                    "resnet", WEIGHTS, DEFAULT_WEIGHTS, "rn_weights", "resnet-weights"
                )
                weights = picker.dropdown
                go = gr.Button(t("rn_classify"), variant="primary")
            with gr.Column():
                top5 = gr.Label(num_top_classes=5, label=t("rn_top5"))
                cam = gr.Image(label=t("rn_cam"), height=240, interactive=False)
                notice = gr.Markdown(elem_id="resnet-weights-notice")
        examples = gr.Examples(
            [[p] for p in example_images()], inputs=[image], label=t("rn_examples")
        )
    inputs, outputs = [image, weights, lang], [top5, cam, notice]
    # No image, or a file that is not one (#19): the earlier photo's answer is emptied, with why
    clear_on_failure(go.click(classify, inputs, outputs, api_name="resnet_classify"), outputs, lang)
    uploaded = image.upload(classify, inputs, outputs, api_visibility="private")
    clear_on_failure(uploaded, outputs, lang)
    examples.load_input_event.then(classify, inputs, outputs, api_visibility="private")
    # The view opens on its first example classified (#19.10), unless an image is there already
    classify_tab.select(
        classify_opening, inputs, [image, *outputs], api_visibility="private", trigger_mode="once"
    )
    # When a download has switched the tab to its model: classify the image on screen again
    weights_ui.wire(picker, lang).success(reclassify, inputs, outputs, api_visibility="private")


def classify_opening(path, weights, lang):
    """What Classify shows when it opens: the first example photo (a cat, a CIFAR-10 class) with
    its answer; nothing changes when an image is on screen already."""
    if path:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    first = _servable(example_images()[0])
    return first, *classify(first, weights, lang)


@functools.cache
def _servable(path: str) -> str:
    """A copy of an example photo in the temp folder: gradio serves a returned file only from the
    working directory or the temp folder, and scikit-image's data may be anywhere (a Space's
    site-packages, a virtual environment outside the checkout). The bytes, so its subject, stay."""
    import shutil
    import tempfile

    folder = Path(tempfile.gettempdir()) / "paper-gallery-examples"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / Path(path).name
    shutil.copyfile(path, copy)
    return str(copy)


def reclassify(path, weights, lang):
    """`classify` for an image on screen (private): nothing when there is none."""
    if not path:
        return gr.skip(), gr.skip(), gr.skip()
    return classify(path, weights, lang)
