"""Strings every tab shares when a run is refused (demos/runtime.py), in English and Chinese."""

from demos.i18n import register

EN = {
    "stale_md": (
        "⚠ **Nothing to show:** the last input was refused (the message says why), so the earlier "
        "results were cleared. Change the input and run again."
    ),
}

ZH = {
    "stale_md": "⚠ **没有结果：** 上一次的输入被拒绝（提示信息说明了原因），之前的结果已清除。请修改输入后再运行。",
}

register(EN, ZH)
