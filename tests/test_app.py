"""The app as a user's program sees it: every API endpoint through gradio_client, and no outbound traffic."""

from __future__ import annotations

import json

import httpx
import pytest

from demos import home
from tests.figures import is_figure

# Every named endpoint the app exposes must be tested: this module's ENDPOINTS plus the ENDPOINTS of
# each tests/test_<paper>_app.py; a new endpoint fails test_every_endpoint_is_tested until tested.
ENDPOINTS = {
    "/weights_status",
    "/resnet_curves",
    "/resnet_live_cached",
    "/resnet_live",
    "/resnet_responses",
    "/resnet_grad_norms",
    "/resnet_classify",
    "/resnet_architecture",
    "/resnet_table3",
    "/resnet_paper_check",
}


def _tested_endpoints() -> set[str]:
    import importlib
    from pathlib import Path

    found = set(ENDPOINTS)
    for path in sorted(Path(__file__).parent.glob("test_*_app.py")):
        found |= importlib.import_module(f"tests.{path.stem}").ENDPOINTS
    return found


def test_every_endpoint_is_tested(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == _tested_endpoints()


def test_home_weights_status(client):
    result = client.predict(api_name="/weights_status")
    assert result["headers"] == home.HEADERS
    names = [row[0] for row in result["data"]]
    expected = [row[0] for row in home.weights_status()]
    assert names == expected


def test_page_serves_all_tabs_in_both_languages(app_server):
    config = httpx.get(app_server.url + "/config", timeout=10).json()
    top = {
        "home",
        "resnet",
        "transformer",
        "gan",
        "bert",
    }  # the top-level tabs' ids (sub-tabs have others)
    labels = [
        c["props"].get("label")
        for c in config["components"]
        if c["type"] == "tabitem" and c["props"].get("id") in top
    ]
    keys = [json.loads(lbl.removeprefix("__i18n__"))["key"] for lbl in labels]
    assert keys == ["tab_home", "tab_resnet", "tab_transformer", "tab_gan", "tab_bert"], labels
    page = httpx.get(app_server.url + "/", timeout=10).text
    for word in ("Paper Gallery", "论文画廊", "首页", "完形填空", "Fill the mask"):
        assert word in page, word


def test_no_outbound_request_on_start_and_page_load(app_server):
    for path in ("/", "/config", "/gradio_api/info"):
        assert httpx.get(app_server.url + path, timeout=10).status_code == 200
    assert app_server.outbound() == []


def test_the_outbound_logger_sees_connections(tmp_path):
    """Control for the test above: the logger that watches the app does record a connection."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    log = tmp_path / "net.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "netlog"), NETLOG_FILE=str(log))
    code = "import socket; s = socket.socket(); s.settimeout(0.5); s.connect_ex(('127.0.0.2', 9))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=30)
    assert log.read_text().split("\n")[0] == "connect 127.0.0.2 9"


# --- ResNet tab ----------------------------------------------------------------------------------


def test_resnet_classify_endpoint(client):
    from gradio_client import handle_file

    from demos.resnet_classify import example_images

    cat = next(p for p in example_images() if p.endswith("chelsea.png"))
    label, overlay, notice = client.predict(
        handle_file(cat), "resnet20.cifar10", "en", api_name="/resnet_classify"
    )
    assert label["label"] in {"cat", "dog"} and len(label["confidences"]) == 5
    assert "resnet20.cifar10" in notice


def test_resnet_classify_refuses_a_text_file_clearly(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    with pytest.raises(AppError, match="not an image that can be read"):
        client.predict(handle_file(str(bad)), "resnet20.cifar10", "en", api_name="/resnet_classify")
    # The server keeps answering.
    assert client.predict(api_name="/resnet_table3")["data"][0][0] == "plain-34"


def test_resnet_figures_endpoints(client):
    fig, md = client.predict("en", api_name="/resnet_curves")
    assert is_figure(fig) and "Final errors" in md
    fig, md = client.predict("zh", api_name="/resnet_live_cached")
    assert is_figure(fig) and "默认设置下记录的运行" in md
    fig, md = client.predict("en", api_name="/resnet_responses")
    assert is_figure(fig) and "Fig. 7" in md
    assert is_figure(client.predict(8, 0, "en", api_name="/resnet_grad_norms"))


def test_resnet_live_endpoint_and_bad_values(client):
    from gradio_client.exceptions import AppError

    fig, status = client.predict(14, 20, "en", api_name="/resnet_live")
    assert is_figure(fig) and "Finished: 14 layers, 20 steps" in status
    with pytest.raises(
        AppError, match="greater than maximum value 1000"
    ):  # gradio checks the slider
        client.predict(14, 10**6, "en", api_name="/resnet_live")


def test_resnet_architecture_and_paper_check_endpoints(client):
    stages, md, diagram = client.predict("resnet18", "en", api_name="/resnet_architecture")
    assert (
        stages["data"][1] == ["conv2_x", "56×56", 2, 64]
        and "11.69 M parameters" in md
        and is_figure(diagram)
    )
    rows = client.predict("en", api_name="/resnet_paper_check")["data"]
    assert [r[0] for r in rows][:2] == ["resnet18 (Table 1)", "resnet34 (Table 1)"]
