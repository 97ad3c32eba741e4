"""The weights picker's strings (English, Chinese), shared by the ResNet, Transformer and BERT tabs
(demos/weights.py); registered when this module is imported. Written for a student: what is on
this computer, what needs a download and how large it is, never the operator's settings."""

from demos.i18n import register

EN = {
    # the dropdown's choices: "<name> · <where>"
    "w_state_embedded": "shipped with the app",
    "w_state_cached": "on this computer",
    "w_state_download": "download needed",
    "w_state_download_size": "download needed, {size}",
    "w_state_unavailable": "not available here",
    "w_download": "Download the paper-scale model",
    "w_download_named": "Download the paper-scale model ({name}{size})",
    "w_using": "Using **{name}**, {where}.",
    # where the weights in use came from (the English ones are the weights layer's own words)
    "w_notice": "Using **{name}**: {where}.",
    "w_from_embedded": "shipped with the app",
    "w_from_cache": "found in the local Hugging Face cache ({repo})",
    "w_from_hub": "downloaded from the Hub ({repo}@{rev})",
    "w_where_embedded": "the small model shipped with the app",
    "w_where_cached": "the paper-scale checkpoint already on this computer",
    "w_stays": "The tab stays on **{current}**.",
    "w_refused_download": (
        "**{name}** is not on this computer yet: it must be downloaded first{size}. {stays} "
        "Press “Download the paper-scale model” to fetch it; the tab switches to it when it "
        "arrives."
    ),
    "w_refused_offline": (
        "**{name}** is not on this computer, and this copy of the app does not download models. "
        "{stays} Whoever runs the app can fetch it beforehand (`python -m models.hub --download`)."
    ),
    "w_repair": "Press “Download the paper-scale model” to fetch it again.",
    "w_refused_unpublished": "**{name}** is not available in this copy of the app. {stays}",
    "w_refused_corrupt": (
        "**{name}** is on this computer, but its file '{file}' is damaged (it does not match its "
        "published checksum), so it is not used. {stays}"
    ),
    "w_fallback": (
        "**{name}** could not be used here ({why}); the answer below comes from **{used}**, the "
        "small model shipped with the app."
    ),
    "w_why_download": "it is not on this computer yet and the download did not work",
    "w_why_unavailable": "it is not on this computer",
    "w_why_corrupt": "its file '{file}' is damaged",
    "w_why_other": "it did not load",
    "w_details": "Details for whoever runs the app",
    "w_dl_progress": "Downloading **{name}**: {done} of {total} ({pct:.0f}%)…",
    "w_dl_starting": "Downloading **{name}**: asking the Hugging Face Hub…",
    "w_dl_loading": "**{name}** downloaded; loading it into memory…",
    "w_dl_done": "**{name}** is downloaded and loaded: the tab now uses it. {notice}",
    "w_dl_failed": "The download of **{name}** did not work: {why} {stays}",
    "w_dl_unreachable": "this computer cannot reach the Hugging Face Hub right now.",
    "w_dl_no_target": "There is nothing to download for this tab.",
}

ZH = {
    "w_state_embedded": "应用自带",
    "w_state_cached": "已在本机",
    "w_state_download": "需要下载",
    "w_state_download_size": "需要下载，{size}",
    "w_state_unavailable": "此处不可用",
    "w_download": "下载论文规模的模型",
    "w_download_named": "下载论文规模的模型（{name}{size}）",
    "w_using": "正在使用 **{name}**，{where}。",
    "w_notice": "正在使用 **{name}**：{where}。",
    "w_from_embedded": "应用自带",
    "w_from_cache": "在本地 Hugging Face 缓存中找到（{repo}）",
    "w_from_hub": "已从 Hub 下载（{repo}@{rev}）",
    "w_where_embedded": "应用自带的小模型",
    "w_where_cached": "已在本机的论文规模检查点",
    "w_stays": "本页仍使用 **{current}**。",
    "w_refused_download": (
        "**{name}** 还不在本机：需要先下载{size}。{stays}点击“下载论文规模的模型”获取它；下载完成后本页会切换到它。"
    ),
    "w_refused_offline": (
        "**{name}** 不在本机，而这份应用不下载模型。{stays}运行本应用的人可以事先获取它"
        "（`python -m models.hub --download`）。"
    ),
    "w_repair": "点击“下载论文规模的模型”重新获取它。",
    "w_refused_unpublished": "这份应用里没有 **{name}**。{stays}",
    "w_refused_corrupt": (
        "**{name}** 在本机，但它的文件 '{file}' 已损坏（与公布的校验值不符），因此不使用它。{stays}"
    ),
    "w_fallback": "**{name}** 在这里无法使用（{why}）；下面的结果来自应用自带的小模型 **{used}**。",
    "w_why_download": "它还不在本机，下载也没有成功",
    "w_why_unavailable": "它不在本机",
    "w_why_corrupt": "它的文件 '{file}' 已损坏",
    "w_why_other": "它没有加载成功",
    "w_details": "给运行本应用的人的详细信息",
    "w_dl_progress": "正在下载 **{name}**：{done} / {total}（{pct:.0f}%）…",
    "w_dl_starting": "正在下载 **{name}**：正在联系 Hugging Face Hub…",
    "w_dl_loading": "**{name}** 已下载，正在载入内存…",
    "w_dl_done": "**{name}** 已下载并载入：本页现在使用它。{notice}",
    "w_dl_failed": "**{name}** 下载失败：{why}{stays}",
    "w_dl_unreachable": "本机现在连不上 Hugging Face Hub。",
    "w_dl_no_target": "本页没有需要下载的模型。",
}

register(EN, ZH)
