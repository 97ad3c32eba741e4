"""Does a BERT checkpoint fill a [MASK] with a fitting word? (issue #14, BERT's targets)

    .venv/bin/python bench/bert_cloze.py [weights/bert_eltec ...]

Two measures, on one checkpoint folder or several side by side:
1. The BERT tab's fill-mask examples (`lab.tab_defaults.FILL_MASK_EXAMPLES`): is each top-1 answer a
   content word (letters only, not a function word or punctuation)? The target: every example.
2. Hand-written cloze sentences (below, written for this project in the manner of the novels and
   of plain modern English; held out from training, not tuned to): top-1 and top-5 accuracy, each
   sentence with the answers that fit it. A second, larger set that the project never sees is
   scored by the reviewers; aim at the capability, not at this list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (sentence with one [MASK], the answers that fit it)
CLOZE = [
    ("she opened the [MASK] and looked out at the garden.", {"window", "door", "shutters", "gate"}),
    (
        "he put on his hat and [MASK] and went out into the rain.",
        {"coat", "cloak", "gloves", "overcoat", "boots"},
    ),
    (
        "the sun had already set, and the [MASK] was growing dark.",
        {"sky", "room", "night", "evening", "air", "garden", "house", "street"},
    ),
    ("she poured the tea and handed him a [MASK].", {"cup", "teacup", "saucer"}),
    (
        "the old dog lay asleep in front of the [MASK].",
        {"fire", "fireplace", "hearth", "door", "house", "grate"},
    ),
    ("he wrote a long [MASK] to his mother every sunday.", {"letter", "note"}),
    (
        "they walked along the [MASK] until they reached the village.",
        {"road", "river", "path", "lane", "shore", "beach", "bank", "track", "street", "coast"},
    ),
    ("the ship sailed out of the [MASK] at dawn.", {"harbour", "harbor", "port", "bay", "river"}),
    ("she sat down at the piano and began to [MASK].", {"play", "sing", "cry", "weep"}),
    (
        "the children ran out to play in the [MASK].",
        {
            "garden",
            "snow",
            "park",
            "street",
            "field",
            "fields",
            "yard",
            "rain",
            "sun",
            "sunshine",
            "woods",
            "meadow",
        },
    ),
    (
        "he drank a glass of [MASK] before dinner.",
        {"wine", "water", "sherry", "brandy", "port", "beer", "milk", "whisky"},
    ),
    (
        "the clock on the wall struck [MASK].",
        {
            "twelve",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "midnight",
            "noon",
        },
    ),
    (
        "she wore a white [MASK] to the ball.",
        {"dress", "gown", "frock", "rose", "veil", "muslin", "silk"},
    ),
    (
        "the doctor was sent for, but the [MASK] died before morning.",
        {"child", "patient", "man", "woman", "boy", "girl", "baby", "old"},
    ),
    ("he rode his [MASK] across the fields to the farm.", {"horse", "pony", "bicycle", "mare"}),
    ("the [MASK] were singing in the trees.", {"birds", "children", "larks", "thrushes"}),
    ("she read the letter twice and then burst into [MASK].", {"tears", "laughter", "song"}),
    (
        "the train was late, and we waited an hour at the [MASK].",
        {"station", "platform", "inn", "hotel"},
    ),
    (
        "he kissed her [MASK] and said goodbye.",
        {"hand", "cheek", "forehead", "lips", "brow", "mouth", "hair", "goodbye"},
    ),
    ("the church [MASK] rang for the morning service.", {"bell", "bells", "clock"}),
    (
        "it was a cold winter night, and snow was [MASK] outside.",
        {"falling", "lying", "everywhere", "drifting"},
    ),
    ("the king and [MASK] sat on their thrones.", {"queen", "prince", "princess", "court"}),
    ("she could not sleep, and lay awake all [MASK].", {"night", "evening", "morning", "day"}),
    (
        "he paid the driver and stepped out of the [MASK].",
        {"cab", "carriage", "car", "coach", "taxi", "train", "boat", "vehicle"},
    ),
    ("the cat caught a [MASK] in the kitchen.", {"mouse", "rat", "bird", "fish", "fly"}),
    ("my [MASK] and father were married in that church.", {"mother"}),
    (
        "she bought bread and cheese at the [MASK].",
        {"market", "shop", "bakery", "village", "grocer", "inn", "store", "fair"},
    ),
    (
        "the soldiers marched through the [MASK] of the town.",
        {"streets", "gates", "square", "centre", "center", "middle", "heart", "gate", "street"},
    ),
    (
        "he fell from his horse and broke his [MASK].",
        {
            "leg",
            "arm",
            "neck",
            "collar",
            "back",
            "wrist",
            "ankle",
            "nose",
            "head",
            "shoulder",
            "ribs",
            "skull",
            "hip",
        },
    ),
    (
        "we climbed to the top of the [MASK] and looked at the valley below.",
        {"hill", "mountain", "tower", "cliff", "ridge", "rock", "stairs", "slope", "wall", "down"},
    ),
    ("the lamp gave a poor [MASK], and she could hardly see the page.", {"light", "glow", "flame"}),
    (
        "he was too poor to buy [MASK] for his children.",
        {
            "bread",
            "food",
            "clothes",
            "shoes",
            "books",
            "toys",
            "milk",
            "presents",
            "anything",
            "meat",
            "boots",
        },
    ),
    (
        "the fisherman brought home a basket full of [MASK].",
        {"fish", "herring", "herrings", "mackerel", "eggs", "apples", "flowers", "oysters"},
    ),
    (
        "she put the flowers in a [MASK] of water.",
        {"vase", "jug", "bowl", "glass", "basin", "jar", "pot", "pail", "bucket"},
    ),
    (
        "the judge looked at the prisoner and passed [MASK].",
        {"sentence", "judgment", "judgement", "away", "on"},
    ),
    ("the baby was crying, so his mother picked him [MASK].", {"up"}),
    ("he opened the book and began to [MASK] aloud.", {"read"}),
    (
        "after the long walk, they were tired and [MASK].",
        {
            "hungry",
            "thirsty",
            "cold",
            "wet",
            "sleepy",
            "weary",
            "dirty",
            "exhausted",
            "footsore",
            "hot",
        },
    ),
    (
        "the house stood at the end of a long [MASK] lined with trees.",
        {"avenue", "drive", "road", "lane", "street", "walk", "path", "row", "alley", "way"},
    ),
    ("she looked at herself in the [MASK] and smiled.", {"glass", "mirror", "window", "water"}),
]

FUNCTION_WORDS = set(
    "the a an and or but of to in on at by for with from as is was were be been being it its "
    "he she his her him they them their we us our you your i me my this that these those there "
    "here not no so if then than too very all any some one what which who whom whose when where "
    "how had has have do did does will would shall should can could may might must".split()
)


def content_word(piece: str) -> bool:
    return piece.isalpha() and piece.lower() not in FUNCTION_WORDS and not piece.startswith("##")


def score(folder: Path) -> dict:
    import torch

    from lab.tab_defaults import FILL_MASK_EXAMPLES
    from models.bert import fill_mask, load, load_tokenizer

    model, _ = load(folder)
    tok = load_tokenizer(folder, lowercase=model.config.lowercase)
    model.eval()
    out = {"examples": [], "top1": 0, "top5": 0, "cloze": []}
    with torch.no_grad():
        for sentence in FILL_MASK_EXAMPLES:
            preds = fill_mask(model, tok, sentence).predictions
            top1 = [p.tokens[0] for p in preds]
            out["examples"].append((sentence, top1, all(content_word(t) for t in top1)))
        for sentence, answers in CLOZE:
            tokens = fill_mask(model, tok, sentence).predictions[0].tokens
            out["top1"] += tokens[0] in answers
            out["top5"] += bool(answers & set(tokens))
            out["cloze"].append((sentence, tokens[:3], tokens[0] in answers))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folders", nargs="*", default=["weights/bert_eltec"])
    ap.add_argument("-v", "--verbose", action="store_true", help="every cloze sentence")
    args = ap.parse_args()
    for folder in args.folders:
        r = score(Path(folder))
        print(f"== {folder}")
        ok = sum(e[2] for e in r["examples"])
        print(
            f"tab examples with content words as top-1: {ok} / {len(r['examples'])}  (target: all)"
        )
        for sentence, top1, good in r["examples"]:
            print(f"  {'✓' if good else '✗'} {sentence}  ->  {' / '.join(top1)}")
        n = len(CLOZE)
        print(
            f"cloze sentences: top-1 {r['top1']} / {n} ({100 * r['top1'] / n:.0f}%), "
            f"top-5 {r['top5']} / {n} ({100 * r['top5'] / n:.0f}%)"
        )
        if args.verbose:
            for sentence, tokens, good in r["cloze"]:
                print(f"  {'✓' if good else '✗'} {sentence}  ->  {', '.join(tokens)}")


if __name__ == "__main__":
    main()
