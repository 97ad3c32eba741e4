"""The experiments a lecture runs on the models of `models/`: pure functions and generators.

`app.py -> demos/ -> lab/ -> models/`: a module here imports `models/` (and torch, numpy), never
gradio, plotting or `demos/`. Live runs are generators that yield their state; the tab draws it and
runs the generator through `demos/runtime.stepwise`.
"""
