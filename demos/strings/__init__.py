"""Every visible string of the tabs, in English and Chinese: one module per tab, each with `EN` and
`ZH` (the same keys). A tab registers its own (`demos.i18n.register`) when it is imported; the
strings every tab shares (and the language switch's) are in `demos/i18n.py`."""
