"""Bad input across the whole gallery, sent as a user's program would (gradio_client, around the UI's
own limits): each gets a clear message or a bounded result, and the server keeps answering others."""

from __future__ import annotations

import struct
import threading
import zlib

import pytest

ENDPOINTS: set[str] = set()  # nothing new: the tabs' own test files cover their endpoints
BERT, DCGAN, R20 = "bert_small.eltec", "dcgan.mnist", "resnet20.cifar10"
T_W = "transformer_small.multi30k_ende"


def _png_header_only(path, w: int, h: int) -> None:
    """A valid PNG signature and IHDR claiming w x h, with a tiny zlib stream: a 'bomb' header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import numpy as np
    import PIL.Image

    d = tmp_path_factory.mktemp("bad")
    (d / "notes.png").write_text("this is text, not a picture")
    (d / "empty.jpg").write_bytes(b"")
    _png_header_only(d / "bomb.png", 60_000, 60_000)
    PIL.Image.new("RGB", (1, 1), (200, 30, 30)).save(d / "tiny.png")
    PIL.Image.fromarray(np.zeros((20, 4000, 3), np.uint8)).save(
        d / "strip.png"
    )  # extreme aspect ratio
    PIL.Image.new("I;16", (40, 40), 60000).save(d / "deep16.png")
    frames = [PIL.Image.new("P", (32, 32), i) for i in range(3)]
    frames[0].save(d / "anim.gif", save_all=True, append_images=frames[1:])
    PIL.Image.new("CMYK", (40, 40), (0, 255, 255, 0)).save(d / "cmyk.jpg")
    (d / "model.pkl").write_bytes(
        b"\x80\x04K\x01."
    )  # a pickle: never opened as anything but an image
    return d


def _classify(client, path):
    from gradio_client import handle_file

    return client.predict(handle_file(str(path)), R20, "en", api_name="/resnet_classify")


# (name, api_name, args, expected message regex) -- a message the person can act on
REFUSED = [
    ("text file named .png", "/resnet_classify", "notes.png", "not an image that can be read"),
    ("empty file", "/resnet_classify", "empty.jpg", "not an image that can be read"),
    ("decompression bomb header", "/resnet_classify", "bomb.png", "too large|not an image"),
    ("a pickle", "/resnet_classify", "model.pkl", "not an image that can be read"),
    ("depth not 6n+2", "/resnet_live", (7, 50, "en"), "Depth must be one of|not in the list"),
    (
        "a million live steps",
        "/resnet_live",
        (14, 10**6, "en"),
        "greater than maximum|Steps must be",
    ),
    (
        "negative gradient steps",
        "/resnet_grad_norms",
        (8, -5, "en"),
        "less than minimum|Steps must be",
    ),
    (
        "unknown architecture",
        "/resnet_architecture",
        ("resnet9999", "en"),
        "Unknown network|not in the list",
    ),
    (
        "negative seed",
        "/gan_samples",
        (DCGAN, -3, 16, "en"),
        "Seeds must be whole numbers|less than",
    ),
    ("5,000-digit grid", "/gan_samples", (DCGAN, 0, 5000, "en"), "greater than maximum value 100"),
    (
        "path as generator name",
        "/gan_samples",
        ("../../etc/passwd", 0, 16, "en"),
        "Unknown generator|not in the list|Value",
    ),
    (
        "a million interpolation steps",
        "/gan_interpolate",
        (DCGAN, 1, 2, 10**6, "paths", "en"),
        "greater than maximum|Steps must be",
    ),
    (
        "learning rate 5",
        "/gan_game_1d",
        (1, 5.0, 1e-3, "non-saturating", 100, "en"),
        "Learning rates must be|greater than",
    ),
    (
        "a billion 2-D steps",
        "/gan_game_2d",
        (1, 1e-3, 1e-3, "non-saturating", 0.05, 10**9, "en"),
        "greater than maximum|Steps must be",
    ),
    (
        "empty sentence to translate",
        "/transformer_translate",
        ("", T_W, 4, "en"),
        "Please type an English sentence",
    ),
    (
        "whitespace to translate",
        "/transformer_translate",
        ("   \n\t ", T_W, 4, "en"),
        "Please type an English sentence",
    ),
    (
        "beam of a million",
        "/transformer_translate",
        ("A dog.", T_W, 10**6, "en"),
        "greater than maximum|beam size",
    ),
    (
        "beam of zero",
        "/transformer_translate",
        ("A dog.", T_W, 0, "en"),
        "less than minimum|beam size",
    ),
    (
        "path as translation weights",
        "/transformer_translate",
        ("A dog.", "../../etc/passwd", 4, "en"),
        "Unknown weights|not in the list|Value",
    ),
    (
        "fill-mask without [MASK]",
        "/bert_fill_mask",
        ("Nothing is hidden here.", 5, BERT, "en"),
        "no \\[MASK\\]",
    ),
    ("fill-mask empty", "/bert_fill_mask", ("", 5, BERT, "en"), "type a sentence"),
    ("fill-mask emoji only", "/bert_fill_mask", ("😀😀😀", 5, BERT, "en"), "no \\[MASK\\]"),
    (
        "fill-mask over the token limit",
        "/bert_fill_mask",
        ("word " * 600 + "[MASK]", 5, BERT, "en"),
        "at most 128",
    ),
    (
        "fill-mask 20,001 characters",
        "/bert_fill_mask",
        ("x" * 20_001, 5, BERT, "en"),
        "limit is 20,000",
    ),
    (
        "top-k 500",
        "/bert_fill_mask",
        ("The [MASK] sat.", 500, BERT, "en"),
        "greater than maximum|Top-k must be",
    ),
    ("NSP without sentence B", "/bert_nsp", ("Only one.", "", BERT, "en"), "sentence B too"),
    (
        "anatomy of unknown characters only",
        "/bert_anatomy",
        ("😀😀", "☃☃", BERT, "en"),
        "every piece became \\[UNK\\]",
    ),
    ("head 99", "/bert_head_view", ("a b", "", 1, "99", "all", BERT, "en"), "head must be"),
    (
        "layer 40",
        "/bert_enlarge",
        ("a b", "", 40, "mean", BERT, "en"),
        "greater than maximum|layer must be",
    ),
    (
        "masking seed -1",
        "/bert_masking",
        ("The cat sat on the mat.", -1, BERT, "en"),
        "less than minimum|seed must be",
    ),
]

# (name, api_name, args, check on the result) -- odd but answerable: a correct, bounded result
ANSWERED = [
    ("1x1 image", "/resnet_classify", "tiny.png", lambda r: len(r[0]["confidences"]) == 5),
    ("4000x20 strip", "/resnet_classify", "strip.png", lambda r: len(r[0]["confidences"]) == 5),
    ("16-bit greyscale", "/resnet_classify", "deep16.png", lambda r: len(r[0]["confidences"]) == 5),
    (
        "animated GIF (first frame)",
        "/resnet_classify",
        "anim.gif",
        lambda r: len(r[0]["confidences"]) == 5,
    ),
    ("CMYK JPEG", "/resnet_classify", "cmyk.jpg", lambda r: len(r[0]["confidences"]) == 5),
    (
        "CJK, emoji and Hebrew to translate",
        "/transformer_translate",
        ("🙂 我 שלום", T_W, 2, "en"),
        lambda r: isinstance(r[0], str),
    ),
    (
        "right-to-left text only",
        "/transformer_translate",
        ("שלום עולם", T_W, 1, "en"),
        lambda r: isinstance(r[0], str),
    ),
    (
        "fractional seed (the number box rounds it)",
        "/gan_samples",
        (DCGAN, 1.5, 16, "en"),
        lambda r: "seeds **" in r[1],
    ),
    ("ten [MASK]s", "/bert_fill_mask", ("[MASK] " * 10, 2, BERT, "en"), lambda r: len(r[2]) == 10),
    (
        "emoji around a [MASK]",
        "/bert_fill_mask",
        ("😀 the [MASK] ☃ was here", 3, BERT, "en"),
        lambda r: len(r[2]) == 1,
    ),
    (
        "lower-case [mask]",
        "/bert_fill_mask",
        ("the [mask] was bright", 3, BERT, "en"),
        lambda r: len(r[2]) == 1,
    ),
]


def _call(client, files, api, args):
    if isinstance(args, str):
        return _classify(client, files / args)
    return client.predict(*args, api_name=api)


def test_at_least_30_bad_inputs():
    assert len(REFUSED) + len(ANSWERED) >= 30
    assert {api.split("_")[0] for _, api, _, _ in REFUSED + ANSWERED} == {
        "/resnet",
        "/gan",
        "/transformer",
        "/bert",
    }


@pytest.mark.parametrize("name, api, args, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_a_clear_message(client, files, name, api, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message) as e:
        _call(client, files, api, args)
    assert "Traceback" not in str(e.value) and 'File "' not in str(e.value)


@pytest.mark.parametrize("name, api, args, check", ANSWERED, ids=[r[0] for r in ANSWERED])
def test_answered_with_a_bounded_result(client, files, name, api, args, check):
    assert check(_call(client, files, api, args))


def test_other_users_are_served_while_bad_input_arrives(client, files, app_server):
    """Bad requests from one user in a burst while another user's ordinary calls keep answering."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    other = Client(app_server.url, verbose=False)
    errors: list[str] = []

    def attacker():
        for _, api, args, _ in REFUSED[:12]:
            try:
                _call(client, files, api, args)
            except AppError:
                pass
            except Exception as e:  # anything but a clean refusal
                errors.append(f"{api}: {type(e).__name__}: {e}")

    th = threading.Thread(target=attacker)
    th.start()
    answers = [
        other.predict("The [MASK] sat.", 3, BERT, "en", api_name="/bert_fill_mask")
        for _ in range(5)
    ]
    th.join(120)
    assert not errors
    assert all(len(a[2]) == 1 for a in answers)
    assert app_server.proc.poll() is None  # still running
