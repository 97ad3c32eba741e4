"""What a figure looks like when it comes back through gradio_client."""

from __future__ import annotations

import PIL.Image


def is_figure(value, min_width: int = 600) -> bool:
    """A figure shown with demos.plots.view(): a PNG file at slide resolution."""
    if not isinstance(value, str):
        return False
    with PIL.Image.open(value) as im:
        return im.format == "PNG" and im.width >= min_width and im.height >= 200
