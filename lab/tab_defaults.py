"""What the tabs' widgets open on, importable without torch.

app.py builds and serves the page before torch and the models are imported (issue #16, part 5):
every value the page needs while it is being built lives here, in plain Python. training/,
bench/ and the tests read the same values from here; `tests/test_layering.py` checks that this module
imports nothing and that the copies of the models' names below match the models.
"""

# BERT: the fill-mask sentences the tab offers (also scored by bench/bert_cloze.py: each top-1
# answer should be a fitting content word, issue #14); the layers of the embedded model
FILL_MASK_EXAMPLES = [
    "She opened the [MASK] and walked into the room.",
    "The [MASK] was shining brightly in the sky.",
    "He took off his [MASK] and sat down by the fire.",
    "It was the best of times, it was the worst of [MASK].",
    "The [MASK] [MASK] on the table were still warm.",
]
BERT_SMALL_LAYERS = 4  # models.bert.PRESETS["small"].L

# GAN: the 2-D game's presets
GAME2D_PRESETS = {
    # a discriminator far ahead of G (k = 5 steps at 10x G's learning rate): G's samples gather on
    # one or two modes where D is least sure, and stay there (measured: 2 of 8 modes, 500-2000 steps)
    "collapse": dict(k=5, lr_d=1e-2, lr_g=1e-3, saturating=False, std=0.05),
    # Algorithm 1 as in the paper, k = 1, equal learning rates: all 8 modes by ~1,500 steps
    "cover": dict(k=1, lr_d=1e-3, lr_g=1e-3, saturating=False, std=0.05),
}

# ResNet: the architectures of the explorer (models.resnet.PRESETS, ImageNet then CIFAR-10), and
# the degradation run the tab opens on (recorded by training/resnet_live.py, seeded)
RESNET_ARCHS = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "plain18", "plain34",
    "resnet20", "resnet32", "resnet44", "resnet56", "resnet110",
    "plain20", "plain32", "plain44", "plain56", "plain110",
]  # fmt: skip
LIVE_DEFAULT = {"depth": 56, "steps": 400}
